namespace OpenKpi.Api.Formatters;

/// <summary>Where <see cref="CsvEntityWriter.Cells"/> puts a row's fields, one call per column, each with its type.</summary>
public interface ICellSink
{
    void Empty();

    void Text(string text);

    void Number(int number);

    void Number(decimal number);

    void Boolean(bool value);

    void Date(DateOnly date);
}
