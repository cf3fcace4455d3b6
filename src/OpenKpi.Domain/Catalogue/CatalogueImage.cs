using System.Buffers.Binary;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using LiteDB;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Domain.Catalogue;

/// <summary>
/// The catalogue's records as one compact binary image, the only copy of them in the LiteDB file: each list in blocks
/// decoded side by side, with every distinct string stored (and loaded) once. Its layout is derived from the entity types; an image of
/// another layout is not read (the database is then rebuilt from the seeds).
/// </summary>
public static class CatalogueImage
{
    // 2: every list in blocks of rows, read on every core.
    private const string Magic = "OpenKpi.CatalogueImage/2";

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
                WriteBlocks(writer, rows, (block, row) =>
                {
                    foreach (var property in properties) WriteValue(block, property.PropertyType, property.GetValue(row), Index);
                });
            }
        }

        using var output = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        output.Write(Magic);
        output.Write(Layout);
        WriteBlocks(output, order, (block, s) => block.Write(s));
        output.Write(records.GetBuffer(), 0, (int)records.Length);
    }

    // Rows per block: a million targets make ~30 blocks, which both cores share out evenly.
    private const int BlockRows = 32_768;

    // A list as its number of blocks, then each block as its number of rows, its length in bytes and its rows: a reader finds
    // every block by its length alone and decodes them side by side.
    private static void WriteBlocks<T>(BinaryWriter writer, IReadOnlyList<T> rows, Action<BinaryWriter, T> write)
    {
        writer.Write((rows.Count + BlockRows - 1) / BlockRows);
        using var block = new MemoryStream();
        using var blockWriter = new BinaryWriter(block, Encoding.UTF8, leaveOpen: true);
        foreach (var chunk in rows.Chunk(BlockRows))
        {
            block.SetLength(0);
            foreach (var row in chunk) write(blockWriter, row);
            blockWriter.Flush();
            writer.Write(chunk.Length);
            writer.Write((int)block.Length);
            writer.Write(block.GetBuffer(), 0, (int)block.Length);
        }
    }

    /// <summary>The records of an image, or null when it was written for another layout.</summary>
    public static CatalogueData? Read(byte[] image, DatasetInfo dataset) => Open(image)?.Records(dataset);

    /// <summary>An image's string table and where each list's blocks are, or null when it was written for another layout.</summary>
    public static Contents? Open(byte[] image)
    {
        var reader = new ImageReader(image, 0);
        if (reader.ReadText() != Magic || reader.ReadText() != Layout) return null;
        var strings = Decode(image, Blocks(reader), static (block, _) => block.ReadText(), []);
        return new Contents(image, strings, Entities.ToDictionary(type => type, _ => Blocks(reader)));
    }

    /// <summary>An opened image: its strings decoded, each list's rows decoded when asked for, with the links asked for.</summary>
    public sealed class Contents
    {
        private readonly byte[] _image;
        private readonly string[] _strings;
        private readonly Dictionary<Type, Block[]> _lists;

        internal Contents(byte[] image, string[] strings, Dictionary<Type, Block[]> lists) => (_image, _strings, _lists) = (image, strings, lists);

        /// <summary>Every record, none linked; without the targets when <paramref name="targets"/> is false (they are then read linked).</summary>
        public CatalogueData Records(DatasetInfo dataset, bool targets = true) => new()
        {
            Dataset = dataset,
            Provinces = Rows<Province>(),
            Documents = Rows<Document>(),
            Groups = Rows<Group>(),
            Units = Rows<Unit>(),
            Frequencies = Rows<Frequency>(),
            Agencies = Rows<Agency>(),
            Indicators = Rows<Indicator>(),
            Targets = targets ? Rows<Target>() : [],
            CatalogueEntries = Rows<CatalogueEntry>(),
        };

        /// <summary>The records of one list in their order, each made with its <paramref name="links"/> set.</summary>
        public T[] Rows<T>(params IReadOnlyList<RecordLink<T>> links) =>
            Decode(_image, _lists[typeof(T)], links.Count == 0 ? RowReader<T>.Read : RowReader<T>.Compile(links), _strings);
    }

    internal readonly record struct Block(int Start, int Count, int Offset);

    // Where the blocks of one list are and the rows before each; the reader is left after the last.
    private static Block[] Blocks(ImageReader reader)
    {
        var blocks = new Block[reader.ReadInt32()];
        var rows = 0;
        for (var i = 0; i < blocks.Length; i++)
        {
            var count = reader.ReadInt32();
            var length = reader.ReadInt32();
            blocks[i] = new Block(rows, count, reader.Position);
            rows += count;
            reader.Position += length;
        }
        return blocks;
    }

    // The blocks of one list, decoded on every core into one array, in their order.
    private static T[] Decode<T>(byte[] image, Block[] blocks, Func<ImageReader, string[], T> read, string[] strings)
    {
        var result = new T[blocks.Sum(b => b.Count)];
        void DecodeBlock(int i)
        {
            var (start, count, offset) = blocks[i];
            var block = new ImageReader(image, offset);
            for (var row = start; row < start + count; row++) result[row] = read(block, strings);
        }
        if (blocks.Length == 1) DecodeBlock(0);
        else Parallel.For(0, blocks.Length, DecodeBlock);
        return result;
    }

    private static IEnumerable<(Type Type, IReadOnlyList<object> Rows)> Collections(CatalogueData data) =>
        CatalogueSets.All.Select(s => (s.Type, s.Records(data)));

    // A compiled "new T { A = ReadA(...), B = ReadB(...), ... }" per entity type, and one per list of links asked for.
    private static class RowReader<T>
    {
        public static readonly Func<ImageReader, string[], T> Read = Compile([]);

        public static Func<ImageReader, string[], T> Compile(IReadOnlyList<RecordLink<T>> links)
        {
            var reader = Expression.Parameter(typeof(ImageReader), "reader");
            var strings = Expression.Parameter(typeof(string[]), "strings");
            var body = RecordLink<T>.Initializer(Stored(typeof(T)), p => ReadExpression(p.PropertyType, reader, strings), links);
            return Expression.Lambda<Func<ImageReader, string[], T>>(body, reader, strings).Compile();
        }
    }

    /// <summary>A linked copy of a plain record, with the same links as <see cref="Contents.Rows{T}"/> would set.</summary>
    public static Func<T, T> Copier<T>(IReadOnlyList<RecordLink<T>> links) => RecordLink<T>.Copier(Stored(typeof(T)), links);

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

    private static string ReadString(ImageReader reader, string[] strings)
    {
        var index = reader.ReadInt32();
        return index < 0 ? null! : strings[index];
    }

    private static string[] ReadStrings(ImageReader reader, string[] strings)
    {
        var count = reader.ReadInt32();
        if (count == 0) return [];
        var array = new string[count];
        for (var i = 0; i < count; i++) array[i] = strings[reader.ReadInt32()];
        return array;
    }

    private static int ReadInt(ImageReader reader, string[] strings) => reader.ReadInt32();
    private static bool ReadBool(ImageReader reader, string[] strings) => reader.ReadBoolean();
    private static decimal ReadDecimal(ImageReader reader, string[] strings) => reader.ReadDecimal();
    private static decimal? ReadNullableDecimal(ImageReader reader, string[] strings) => reader.ReadBoolean() ? reader.ReadDecimal() : null;
    private static DateOnly? ReadNullableDate(ImageReader reader, string[] strings) => reader.ReadBoolean() ? DateOnly.FromDayNumber(reader.ReadInt32()) : null;
    private static int? ReadNullableInt(ImageReader reader, string[] strings) => reader.ReadBoolean() ? reader.ReadInt32() : null;

    /// <summary>Reads what a <see cref="BinaryWriter"/> wrote, from any offset of one array: a reader for each block, without a stream each.</summary>
    private sealed class ImageReader(byte[] buffer, int position)
    {
        public byte[] Buffer { get; } = buffer;
        public int Position { get; set; } = position;

            public int ReadInt32()
        {
            var value = BinaryPrimitives.ReadInt32LittleEndian(Buffer.AsSpan(Position));
            Position += 4;
            return value;
        }

            public bool ReadBoolean() => Buffer[Position++] != 0;

        // BinaryWriter writes a decimal as its four 32-bit parts: low, middle, high and flags (sign and scale).
        public decimal ReadDecimal() => new(stackalloc[] { ReadInt32(), ReadInt32(), ReadInt32(), ReadInt32() });

        // A string as BinaryWriter.Write(string) writes one: its UTF-8 length in 7-bit groups, then its bytes.
        public string ReadText()
        {
            int length = 0, shift = 0;
            byte part;
            do
            {
                part = Buffer[Position++];
                length |= (part & 0x7F) << shift;
                shift += 7;
            }
            while ((part & 0x80) != 0);
            var text = Encoding.UTF8.GetString(Buffer, Position, length);
            Position += length;
            return text;
        }
    }
}
