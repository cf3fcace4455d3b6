using System.Collections;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.AspNetCore.OData.Abstracts;
using Microsoft.AspNetCore.OData.Extensions;
using Microsoft.AspNetCore.OData.Query.Wrapper;
using Microsoft.Extensions.Options;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;
using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;

namespace OpenKpi.Api.Formatters;

/// <summary>
/// Writes the commonest answer, a page of entities (whole, or with a $select of plain properties), as
/// the OData library would write it with minimal metadata, byte for byte, but without its serializer,
/// which spends 10–20 µs a row resolving the model for every property. Anything else — single entities,
/// $expand, $apply, other metadata levels, $format — it leaves to the library. A test holds the two
/// writers' answers identical over every entity set and the query options this writer takes.
/// </summary>
public sealed class CollectionJsonFormatter : OutputFormatter
{
    private const string ContentType = "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8";
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    // The internal ODataFeature.PageSize is the library's only record that a page was cut short.
    private static readonly Func<IODataFeature, int> PageSize = CompilePageSize();

    /// <summary>Whether the library cut the answer to a page, which then ends with a next link rather than being the last.</summary>
    public static bool PageWasCut(IODataFeature feature) => PageSize(feature) > 0;

    private readonly ConcurrentDictionary<Type, Shape?> _shapes = new();
    private long _written;

    /// <summary>How many answers this writer wrote (the rest went to the library), for tests and diagnostics.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Where the query attribute leaves the $select/$expand whose per-row projection it skipped for this writer.</summary>
    public const string SelectionKey = "OpenKpi.JsonSelection";

    public CollectionJsonFormatter()
    {
        SupportedMediaTypes.Add("application/json");
        SupportedMediaTypes.Add("application/json;odata.metadata=minimal");
        SupportedMediaTypes.Add("application/json;odata.metadata=minimal;odata.streaming=true");
    }

    public override bool CanWriteResult(OutputFormatterCanWriteContext context)
    {
        var http = context.HttpContext;
        if (context.Object is not IList rows || !base.CanWriteResult(context)) return false;
        if (!http.RequestServices.GetRequiredService<IOptions<FastPathOptions>>().Value.Enabled) return false;
        var feature = http.ODataFeature();
        if (feature.Path is not { } path || feature.Model is not { } model || path.NavigationSource() is not IEdmEntitySet set) return false;
        if (path.LastSegment is not (EntitySetSegment or NavigationPropertySegment { NavigationProperty.Type.Definition: IEdmCollectionType })) return false;
        var query = http.Request.Query;
        if (!AnswerFormat.Of(http).MinimalJson || query.ContainsKey("$apply") || query.ContainsKey("$compute")) return false;

        if (ElementType(rows.GetType()) is not { } elementType || ShapeOf(set.EntityType) is not { } shape) return false;
        if (http.Items[SelectionKey] is SelectExpandClause) return elementType == shape.ClrType;
        return feature.SelectExpandClause is null
            ? elementType == shape.ClrType
            : typeof(ISelectExpandWrapper).IsAssignableFrom(elementType) && SelectionOf(feature.SelectExpandClause, shape) is not null;
    }

    public override void WriteResponseHeaders(OutputFormatterWriteContext context)
    {
        context.HttpContext.Response.ContentType = ContentType;
        context.HttpContext.Response.Headers["OData-Version"] = "4.0";   // the forms it writes ("@odata.context"), whatever the client's OData-MaxVersion
    }

    public override async Task WriteResponseBodyAsync(OutputFormatterWriteContext context)
    {
        var http = context.HttpContext;
        var feature = http.ODataFeature();
        var rows = (IList)context.Object!;
        var shape = ShapeOf(((IEdmEntitySet)feature.Path.NavigationSource()).EntityType)!;
        // The selection is read from whole entities when the query skipped the projection for this writer, else from the library's rows.
        var skipped = http.Items[SelectionKey] as SelectExpandClause;
        var selected = (skipped ?? feature.SelectExpandClause) is { } clause ? SelectionOf(clause, shape) : null;

        Interlocked.Increment(ref _written);
        // Into the response's pipe: its pooled buffers, where a writer over the body stream grows a new array per answer.
        var body = http.Response.BodyWriter;
        await using var writer = new Utf8JsonWriter(body, WriterOptions);
        writer.WriteStartObject();
        var context_ = http.Request.CreateODataLink() + "/$metadata#" + feature.Path.NavigationSource().Name
            + (selected is null ? "" : "(" + selected.ContextUrl() + ")");
        writer.WriteString("@odata.context", context_);
        if (feature.TotalCount is { } count) writer.WriteNumber("@odata.count", count);
        // The last page of a read that tracks changes: before the rows, where the library writes it (it knows it before the rows).
        if (feature.DeltaLink is { } delta) writer.WriteString("@odata.deltaLink", delta.AbsoluteUri);
        writer.WritePropertyName("value");
        writer.WriteStartArray();
        foreach (var row in rows)
        {
            writer.WriteStartObject();
            if (row is ISelectExpandWrapper wrapper) selected!.Write(writer, shape, wrapper);
            else if (skipped is not null) selected!.Write(writer, shape, row!);
            else foreach (var property in shape.Properties) property.Write(writer, row!);
            writer.WriteEndObject();
            if (writer.BytesPending > 16 * 1024)
            {
                writer.Flush();
                await body.FlushAsync(http.RequestAborted);
            }
        }
        writer.WriteEndArray();
        if (PageSize(feature) is > 0 and var pageSize && http.Request.GetNextPageLink(pageSize, null, null) is { } next)
            writer.WriteString("@odata.nextLink", next.AbsoluteUri);
        writer.WriteEndObject();
        writer.Flush();
        await body.FlushAsync(http.RequestAborted);
    }

    /// <summary>
    /// Whether this writer will write the answer to <paramref name="request"/>, with the $select/$expand <paramref name="clause"/>,
    /// straight from whole entities, so that the query can skip the library's per-row projection. Only when nothing can make
    /// content negotiation choose another writer (<see cref="AnswerFormat.MinimalJson"/>) and no $apply or $compute. Anything
    /// else keeps the projection, and whichever writer then answers is right.
    /// </summary>
    public bool TakesSelection(HttpRequest request, SelectExpandClause clause)
    {
        if (!request.HttpContext.RequestServices.GetRequiredService<IOptions<FastPathOptions>>().Value.Enabled) return false;
        var query = request.Query;
        if (!AnswerFormat.Of(request.HttpContext).MinimalJson || query.ContainsKey("$apply") || query.ContainsKey("$compute")) return false;
        var feature = request.HttpContext.ODataFeature();
        if (feature.Path is not { } path || path.NavigationSource() is not IEdmEntitySet set) return false;
        if (path.LastSegment is not (EntitySetSegment or NavigationPropertySegment { NavigationProperty.Type.Definition: IEdmCollectionType })) return false;
        return ShapeOf(set.EntityType) is { } shape && SelectionOf(clause, shape) is { } selection && selection.Expansions.All(e => e.Navigate is not null);
    }

    private Shape? ShapeOf(IEdmEntityType type) => _shapes.GetOrAdd(type.ClrTypeOf(), t => Shape.Of(t, type));

    // What a $select/$expand asks for, when this writer takes it: plain properties, and expansions of single-valued
    // navigations that themselves select plain properties ("$select=Id&$expand=Province($select=Name)").
    private Selection? SelectionOf(SelectExpandClause clause, Shape shape)
    {
        var plain = clause.SelectedItems.OfType<PathSelectItem>().ToList();
        var expanded = clause.SelectedItems.OfType<ExpandedNavigationSelectItem>().ToList();
        if (clause.AllSelected || plain.Count + expanded.Count != clause.SelectedItems.Count()) return null;
        if (Properties(new SelectExpandClause(plain, allSelected: false), shape) is not { } properties) return null;
        var expansions = new List<Expansion>();
        foreach (var item in expanded)
        {
            if (item.PathToNavigationProperty is not { Count: 1 } path || path.FirstSegment is not NavigationPropertySegment { NavigationProperty: var navigation }
                || navigation.Type.IsCollection() || item.FilterOption is not null || item.OrderByOption is not null || item.TopOption is not null
                || item.SkipOption is not null || item.CountOption is not null || item.SearchOption is not null || item.LevelsOption is not null
                || item.ComputeOption is not null || item.ApplyOption is not null
                || ShapeOf(navigation.ToEntityType()) is not { } target || Properties(item.SelectAndExpand, target) is not { } nested)
                return null;
            expansions.Add(new Expansion(navigation.Name, JsonEncodedText.Encode(navigation.Name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping), target, nested,
                Navigations.GetOrAdd((shape.ClrType, navigation.Name), Navigation)));
        }
        return new Selection(properties, expansions);
    }

    // The properties a $select names, in its order, when it names only plain properties of the entity.
    private static List<Property>? Properties(SelectExpandClause clause, Shape shape) =>
        PlainSelection.Of(clause) is { } names ? Properties(names, shape) : null;

    private static List<Property>? Properties(IReadOnlyList<string> names, Shape shape)
    {
        var selected = new List<Property>(names.Count);
        foreach (var name in names)
        {
            if (shape.Properties.FirstOrDefault(p => p.Name == name) is not { } property) return null;
            selected.Add(property);
        }
        return selected;
    }

    // (object entity) => ((T)entity).Navigation, compiled once; null when the CLR type has no such property.
    private static readonly ConcurrentDictionary<(Type, string), Func<object, object?>?> Navigations = new();

    private static Func<object, object?>? Navigation((Type Type, string Name) key)
    {
        if (key.Type.GetProperty(key.Name) is not { } clr) return null;
        var entity = Expression.Parameter(typeof(object));
        return Expression.Lambda<Func<object, object?>>(Expression.Convert(Expression.Property(Expression.Convert(entity, key.Type), clr), typeof(object)), entity).Compile();
    }

    private sealed record Expansion(string Name, JsonEncodedText EncodedName, Shape Target, List<Property> Selected, Func<object, object?>? Navigate);

    /// <summary>A row's selected properties (in the model's order), then its expansions (in the order asked).</summary>
    private sealed record Selection(List<Property> Selected, List<Expansion> Expansions)
    {
        public string ContextUrl() => string.Join(",", Selected.Select(p => p.Name)
            .Concat(Expansions.Select(e => $"{e.Name}({string.Join(",", e.Selected.Select(p => p.Name))})")));

        // One dictionary for the row's values and one for an expansion's, reused from row to row.
        private readonly Dictionary<string, object> _values = [];
        private readonly Dictionary<string, object> _expanded = [];

        /// <summary>The same, read from a whole entity and the entities its navigation properties hold.</summary>
        public void Write(Utf8JsonWriter writer, Shape shape, object entity)
        {
            foreach (var property in shape.Properties)
                if (Selected.Contains(property)) property.Write(writer, entity);
            foreach (var expansion in Expansions)
            {
                writer.WritePropertyName(expansion.EncodedName);
                if (expansion.Navigate!(entity) is { } target)
                {
                    writer.WriteStartObject();
                    foreach (var property in expansion.Target.Properties)
                        if (expansion.Selected.Contains(property)) property.Write(writer, target);
                    writer.WriteEndObject();
                }
                else writer.WriteNullValue();
            }
        }

        public void Write(Utf8JsonWriter writer, Shape shape, ISelectExpandWrapper row)
        {
            var values = SelectedValues.Of(row, _values);
            WriteProperties(writer, shape, Selected, values);
            foreach (var expansion in Expansions)
            {
                writer.WritePropertyName(expansion.EncodedName);
                if (values.TryGetValue(expansion.Name, out var value) && value is ISelectExpandWrapper nested)
                {
                    writer.WriteStartObject();
                    WriteProperties(writer, expansion.Target, expansion.Selected, SelectedValues.Of(nested, _expanded));
                    writer.WriteEndObject();
                }
                else writer.WriteNullValue();
            }
        }

        private static void WriteProperties(Utf8JsonWriter writer, Shape shape, List<Property> selected, IDictionary<string, object> values)
        {
            foreach (var property in shape.Properties)
                if (selected.Contains(property)) property.WriteFrom(writer, values[property.Name]);
        }
    }

    private static Type? ElementType(Type listType) =>
        // Evaluate (KpiQueryAttribute) hands the query's rows over as a List<T>.
        listType.IsGenericType && listType.GetGenericTypeDefinition() == typeof(List<>) ? listType.GetGenericArguments()[0] : null;

    private static Func<IODataFeature, int> CompilePageSize()
    {
        var property = typeof(ODataFeature).GetProperty("PageSize", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("ODataFeature.PageSize is gone: check the fast collection writer against this version of the OData library.");
        var feature = Expression.Parameter(typeof(IODataFeature));
        return Expression.Lambda<Func<IODataFeature, int>>(
            Expression.Condition(Expression.TypeIs(feature, typeof(ODataFeature)), Expression.Property(Expression.Convert(feature, typeof(ODataFeature)), property), Expression.Constant(0)),
            feature).Compile();
    }

    /// <summary>The structural properties of an entity type, in the model's order, each with a compiled writer.</summary>
    private sealed class Shape(Type clrType, List<Property> properties)
    {
        public Type ClrType { get; } = clrType;
        public List<Property> Properties { get; } = properties;

        public static Shape? Of(Type clrType, IEdmEntityType edm)
        {
            var properties = new List<Property>();
            foreach (var edmProperty in edm.StructuralProperties())
            {
                if (clrType.GetProperty(edmProperty.Name) is not { } clr || Property.Of(clr) is not { } property) return null;
                properties.Add(property);
            }
            return new Shape(clrType, properties);
        }
    }

    /// <summary>One property: its name and how its value is written.</summary>
    private sealed class Property(string name, Action<Utf8JsonWriter, object> write)
    {
        public string Name { get; } = name;
        private readonly JsonEncodedText _name = JsonEncodedText.Encode(name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

        public void Write(Utf8JsonWriter writer, object entity)
        {
            writer.WritePropertyName(_name);
            write(writer, entity);
        }

        public void WriteFrom(Utf8JsonWriter writer, object? value)
        {
            writer.WritePropertyName(_name);
            WriteValue(writer, value);
        }

        public static Property? Of(PropertyInfo clr)
        {
            var type = Nullable.GetUnderlyingType(clr.PropertyType) ?? clr.PropertyType;
            if (!(type == typeof(string) || type == typeof(string[]) || type == typeof(int) || type == typeof(long) || type == typeof(bool)
                  || type == typeof(decimal) || type == typeof(double) || type == typeof(DateOnly) || type.IsEnum))
                return null;
            var entity = Expression.Parameter(typeof(object));
            var value = Expression.Convert(Expression.Property(Expression.Convert(entity, clr.DeclaringType!), clr), typeof(object));
            var getter = Expression.Lambda<Func<object, object?>>(value, entity).Compile();
            return new Property(clr.Name, (writer, row) => WriteValue(writer, getter(row)));
        }

        private static void WriteValue(Utf8JsonWriter writer, object? value)
        {
            switch (value)
            {
                case null: writer.WriteNullValue(); break;
                case string s: writer.WriteStringValue(s); break;
                case int i: writer.WriteNumberValue(i); break;
                case long l: writer.WriteNumberValue(l); break;
                case bool b: writer.WriteBooleanValue(b); break;
                case decimal d: writer.WriteNumberValue(d); break;
                case double f: writer.WriteNumberValue(f); break;
                case DateOnly date: writer.WriteStringValue(date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)); break;
                case Enum e: writer.WriteStringValue(e.ToString()); break;
                case IEnumerable<string> items:
                    writer.WriteStartArray();
                    foreach (var item in items) writer.WriteStringValue(item);
                    writer.WriteEndArray();
                    break;
                default: throw new InvalidOperationException($"The fast writer cannot write a {value.GetType()}.");
            }
        }
    }
}
