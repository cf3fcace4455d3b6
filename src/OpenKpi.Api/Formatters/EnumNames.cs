namespace OpenKpi.Api.Formatters;

/// <summary>
/// An enum value's name as <see cref="Enum.ToString()"/> gives it, made once per member: ToString boxed the value and made a
/// new string for every cell and row the writers wrote. A value no member names is written as ToString writes it.
/// </summary>
internal static class EnumNames<T> where T : struct, Enum
{
    private static readonly Dictionary<T, string> Names = Enum.GetValues<T>().Distinct().ToDictionary(v => v, v => v.ToString());

    public static string Of(T value) => Names.TryGetValue(value, out var name) ? name : value.ToString();
}
