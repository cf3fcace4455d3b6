using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using LiteDB;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Domain.Catalogue;

/// <summary>
/// The catalogue's records as one compact binary image, the only copy of them in the LiteDB file: read in one pass,
/// with every distinct string stored (and loaded) once. Its layout is derived from the entity types; an image of
/// another layout is not read (the database is then rebuilt from the seeds).
/// </summary>
public static class CatalogueImage
{
    private const string Magic = "OpenKpi.CatalogueImage/1";

    /// <summary>The properties an image holds for each entity: every stored (not [BsonIgnore]) settable one, in declaration order.</summary>
    private static PropertyInfo[] Stored(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<BsonIgnoreAttribute>() is null)
            .OrderBy(p => p.MetadataToken).ToArray();

    private static readonly Type[] Entities = CatalogueSets.All.Select(s => s.Type).ToArray();

    /// <summary>
    /// Names every entity's stored properties and their types in full (generic arguments, and each enum's members with their
    /// numbers, which the image stores): an image written for other entity types is not read.
    /// </summary>
    public static string Layout { get; } = string.Join(";", Entities.Select(t =>
        t.FullName + "(" + string.Join(",", Stored(t).Select(p => p.Name + ":" + TypeName(p.PropertyType))) + ")"));

    private static string TypeName(Type type) => type switch
    {
        { IsEnum: true } => type.FullName + "{" + string.Join(",", Enum.GetNames(type).Select(n => $"{n}={Convert.ToInt64(Enum.Parse(type, n), System.Globalization.CultureInfo.InvariantCulture)}")) + "}",
        { IsGenericType: true } => type.GetGenericTypeDefinition().FullName + "<" + string.Join(",", type.GetGenericArguments().Select(TypeName)) + ">",
        { IsArray: true } => TypeName(type.GetElementType()!) + "[]",
        _ => type.FullName!,
    };

    public static void Write(Stream stream, CatalogueData data)
    {
        var strings = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        int Index(string? s)
        {
            if (s is null) return -1;
            if (!strings.TryGetValue(s, out var index))
            {
                strings[s] = index = order.Count;
                order.Add(s);
            }
            return index;
        }

        // Records first, into memory, so the string table (written first) is complete.
        using var records = new MemoryStream();
        using (var writer = new BinaryWriter(records, Encoding.UTF8, leaveOpen: true))
        {
            foreach (var (type, rows) in Collections(data))
            {
                var properties = Stored(type);
                writer.Write(rows.Count);
                foreach (var row in rows)
                    foreach (var property in properties) WriteValue(writer, property.PropertyType, property.GetValue(row), Index);
            }
        }

        using var output = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        output.Write(Magic);
        output.Write(Layout);
        output.Write(order.Count);
        foreach (var s in order) output.Write(s);
        output.Write(records.GetBuffer(), 0, (int)records.Length);
    }

    /// <summary>The records of an image, or null when it was written for another layout.</summary>
    public static CatalogueData? Read(Stream stream, DatasetInfo dataset)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadString() != Magic || reader.ReadString() != Layout) return null;
        var strings = new string[reader.ReadInt32()];
        for (var i = 0; i < strings.Length; i++) strings[i] = reader.ReadString();
        return new CatalogueData
        {
            Dataset = dataset,
            Provinces = Rows<Province>(reader, strings),
            Documents = Rows<Document>(reader, strings),
            Groups = Rows<Group>(reader, strings),
            Units = Rows<Unit>(reader, strings),
            Frequencies = Rows<Frequency>(reader, strings),
            Agencies = Rows<Agency>(reader, strings),
            Indicators = Rows<Indicator>(reader, strings),
            Targets = Rows<Target>(reader, strings),
            CatalogueEntries = Rows<CatalogueEntry>(reader, strings),
        };
    }

    private static IEnumerable<(Type Type, IReadOnlyList<object> Rows)> Collections(CatalogueData data) =>
        CatalogueSets.All.Select(s => (s.Type, s.Records(data)));

    private static List<T> Rows<T>(BinaryReader reader, string[] strings)
    {
        var read = RowReader<T>.Read;
        var rows = new List<T>(reader.ReadInt32());
        for (var i = rows.Capacity; i > 0; i--) rows.Add(read(reader, strings));
        return rows;
    }

    // One compiled "new T { A = ReadA(...), B = ReadB(...), ... }" per entity type.
    private static class RowReader<T>
    {
        public static readonly Func<BinaryReader, string[], T> Read = Compile();

        private static Func<BinaryReader, string[], T> Compile()
        {
            var reader = Expression.Parameter(typeof(BinaryReader), "reader");
            var strings = Expression.Parameter(typeof(string[]), "strings");
            var bindings = Stored(typeof(T)).Select(p => (MemberBinding)Expression.Bind(p, ReadExpression(p.PropertyType, reader, strings)));
            return Expression.Lambda<Func<BinaryReader, string[], T>>(Expression.MemberInit(Expression.New(typeof(T)), bindings), reader, strings).Compile();
        }
    }

    private static Expression ReadExpression(Type type, ParameterExpression reader, ParameterExpression strings)
    {
        var name = type switch
        {
            _ when type == typeof(string) => nameof(ReadString),
            _ when type == typeof(string[]) => nameof(ReadStrings),
            _ when type == typeof(int) => nameof(ReadInt),
            _ when type == typeof(bool) => nameof(ReadBool),
            _ when type == typeof(decimal) => nameof(ReadDecimal),
            _ when type == typeof(decimal?) => nameof(ReadNullableDecimal),
            _ when type == typeof(DateOnly?) => nameof(ReadNullableDate),
            _ when type.IsEnum => nameof(ReadInt),
            _ when Nullable.GetUnderlyingType(type)?.IsEnum == true => nameof(ReadNullableInt),
            _ => throw new NotSupportedException($"The catalogue image cannot hold a {type}."),
        };
        var call = Expression.Call(typeof(CatalogueImage).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!, reader, strings);
        return call.Type == type ? call : Expression.Convert(call, type);
    }

    private static void WriteValue(BinaryWriter writer, Type type, object? value, Func<string?, int> index)
    {
        switch (value)
        {
            case string s: writer.Write(index(s)); break;
            case null when type == typeof(string): writer.Write(-1); break;
            case string[] array:
                writer.Write(array.Length);
                foreach (var s in array) writer.Write(index(s));
                break;
            case bool b: writer.Write(b); break;
            case decimal d when type == typeof(decimal): writer.Write(d); break;
            case DateOnly date: writer.Write(true); writer.Write(date.DayNumber); break;
            case Enum e when type.IsEnum: writer.Write(Convert.ToInt32(e, System.Globalization.CultureInfo.InvariantCulture)); break;
            case int i: writer.Write(i); break;
            case null: writer.Write(false); break;   // a null decimal?, DateOnly? or enum?
            default:                                 // a decimal? or enum? with a value
                writer.Write(true);
                if (value is decimal nd) writer.Write(nd);
                else writer.Write(Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    private static string ReadString(BinaryReader reader, string[] strings)
    {
        var index = reader.ReadInt32();
        return index < 0 ? null! : strings[index];
    }

    private static string[] ReadStrings(BinaryReader reader, string[] strings)
    {
        var count = reader.ReadInt32();
        if (count == 0) return [];
        var array = new string[count];
        for (var i = 0; i < count; i++) array[i] = strings[reader.ReadInt32()];
        return array;
    }

    private static int ReadInt(BinaryReader reader, string[] strings) => reader.ReadInt32();
    private static bool ReadBool(BinaryReader reader, string[] strings) => reader.ReadBoolean();
    private static decimal ReadDecimal(BinaryReader reader, string[] strings) => reader.ReadDecimal();
    private static decimal? ReadNullableDecimal(BinaryReader reader, string[] strings) => reader.ReadBoolean() ? reader.ReadDecimal() : null;
    private static DateOnly? ReadNullableDate(BinaryReader reader, string[] strings) => reader.ReadBoolean() ? DateOnly.FromDayNumber(reader.ReadInt32()) : null;
    private static int? ReadNullableInt(BinaryReader reader, string[] strings) => reader.ReadBoolean() ? reader.ReadInt32() : null;
}
