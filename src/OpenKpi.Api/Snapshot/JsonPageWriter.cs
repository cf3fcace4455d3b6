using System.Collections;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.OData.Extensions;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;
using OpenKpi.Api.Formatters;
using OpenKpi.Api.OData;

namespace OpenKpi.Api.Snapshot;

/// <summary>
/// Writes a plan's page of entities (whole, or with a $select of plain properties; with expansions of whole entities, or of a
/// single one's plain properties, and expanded collections paged as the library pages them) as the OData library writes it
/// with minimal metadata, byte for byte, but without its serializer, which spends 10–20 µs an entity resolving the model for
/// every property (Indicators?$expand=Targets,Unit,Group, 100 indicators with 100 targets each: ~0.35 s there, ~0.07 s here). It is given everything the answer holds (rows, count, links); the differential tests hold
/// its answers to the library's.
/// </summary>
public sealed class JsonPageWriter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private readonly ConcurrentDictionary<Type, Shape?> _shapes = new();
    private long _written;

    /// <summary>How many answers this writer wrote (the rest went to the library), for tests and diagnostics.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>
    /// The columns and expansions of <paramref name="clause"/> over <paramref name="set"/>'s entities (every column without one),
    /// with full metadata when <paramref name="full"/>, or null when this writer does not write them. <paramref name="entitiesOf"/>
    /// gives each set's entities, whose keys the links name.
    /// </summary>
    public Selection? SelectionOf(IEdmEntitySet set, SelectExpandClause? clause, Func<Type, IList> entitiesOf, HttpRequest request, IEdmModel model, bool full = false) =>
        ShapeOf(set.EntityType) is { } shape ? SelectionOf(set, set, set.EntityType, shape, clause, nested: false, new Context(entitiesOf, request, model, full)) : null;

    private sealed record Context(Func<Type, IList> EntitiesOf, HttpRequest Request, IEdmModel Model, bool Full);

    // The selection of one level: the set's entities (nested false), or an expanded entity's (of `source`), where only
    // single-valued navigations are expanded further. No clause: every property, no expansion.
    private Selection? SelectionOf(IEdmEntitySet set, IEdmNavigationSource? source, IEdmEntityType type, Shape shape, SelectExpandClause? clause, bool nested, Context context)
    {
        var plain = clause?.SelectedItems.OfType<PathSelectItem>().ToList() ?? [];
        var expanded = clause?.SelectedItems.OfType<ExpandedNavigationSelectItem>().ToList() ?? [];
        if (clause is not null && plain.Count + expanded.Count != clause.SelectedItems.Count()) return null;
        var allSelected = clause?.AllSelected ?? true;
        // Every property with the expansions ($expand alone), or the ones a $select names.
        List<Property>? properties = allSelected ? plain.Count == 0 ? shape.Properties : null
            : Properties(new SelectExpandClause(plain, allSelected: false), shape);
        if (properties is null) return null;
        EntityMetadata? metadata = null;
        if (context.Full && (metadata = MetadataOf(source, type, shape, allSelected, expanded, context)) is null) return null;
        var expansions = new List<Expansion>();
        foreach (var item in expanded)
        {
            if (item.PathToNavigationProperty is not { Count: 1 } path || path.FirstSegment is not NavigationPropertySegment { NavigationProperty: var navigation }
                || ((item.FilterOption ?? item.OrderByOption ?? item.TopOption ?? (object?)item.SkipOption ?? item.CountOption) is not null && !navigation.Type.IsCollection())
                || item.TopOption > int.MaxValue || item.SkipOption > int.MaxValue || item.SearchOption is not null || item.LevelsOption is not null
                || item.ComputeOption is not null || item.ApplyOption is not null
                || (nested && navigation.Type.IsCollection())
                || ShapeOf(navigation.ToEntityType()) is not { } target
                || Navigations.GetOrAdd((shape.ClrType, navigation.Name), Navigation) is not { } navigate)
                return null;
            // The expanded entities' own selection: all of them ("Unit()" in the context), the properties a $select names,
            // and their own single-valued expansions ("Targets(Indicator())").
            if (SelectionOf(set, source?.FindNavigationTarget(navigation), navigation.ToEntityType(), target, item.SelectAndExpand, nested: true, context) is not { } child) return null;
            Collection? collection = null;
            if (navigation.Type.IsCollection() && (collection = CollectionOf(set, shape, navigation, navigate, item, context)) is null) return null;
            expansions.Add(new Expansion(navigation.Name, JsonEncodedText.Encode(navigation.Name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping), child, navigate, collection,
                metadata is null ? null : new NavigationLinks(navigation.Name),
                metadata is not null && navigation.Type.IsCollection() ? JsonEncodedText.Encode("#Collection(" + navigation.ToEntityType().FullName() + ")", JavaScriptEncoder.UnsafeRelaxedJsonEscaping) : null));
        }
        return new Selection(shape, properties, expansions) { Selected = clause is not null, AllColumns = allSelected, Metadata = metadata };
    }

    // The full metadata of entities of `source`, an entity set whose single string key never needs escaping in a link: their
    // type and URLs, and the links of the navigations not expanded (all of them when no $select narrows the entity).
    private EntityMetadata? MetadataOf(IEdmNavigationSource? source, IEdmEntityType type, Shape shape, bool allSelected, List<ExpandedNavigationSelectItem> expanded, Context context)
    {
        if (!shape.FullMetadata || source is not IEdmEntitySet set || KeyOf(type, shape) is not { } key || !PlainKeys(context.EntitiesOf(shape.ClrType), key)) return null;
        var names = expanded.Select(e => e.PathToNavigationProperty.LastSegment is NavigationPropertySegment n ? n.NavigationProperty.Name : "").ToHashSet();
        var links = allSelected ? type.NavigationProperties().Where(n => !names.Contains(n.Name)).Select(n => new NavigationLinks(n.Name)).ToList() : [];
        return new EntityMetadata(type, set.Name, key, links);
    }

    // The key of an entity type with a single string key, read from its CLR property.
    private static Func<object, string>? KeyOf(IEdmEntityType type, Shape shape) =>
        type.Key().ToList() is [{ Type.Definition: var keyType } key] && keyType.IsString() && Navigations.GetOrAdd((shape.ClrType, key.Name), Navigation) is { } read
            ? entity => (string)read(entity)!
            : null;

    /// <summary>The page: its context (not with metadata none), count, delta link, rows and next link, into the response's pipe.</summary>
    public async Task WriteAsync(HttpContext http, IEdmEntitySet set, Selection selection, IList rows, NestedPage[][]? pages, long? count, Uri? nextLink, Uri? deltaLink)
    {
        Interlocked.Increment(ref _written);
        var format = AnswerFormat.Of(http);
        var metadata = format.PlannedJson ?? throw new InvalidOperationException("A plan writes only the JSON its answer's format allows.");
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = format.PlannedContentType;
        http.Response.Headers["OData-Version"] = "4.0";
        // Into the response's pipe: its pooled buffers, where a writer over the body stream grows a new array per answer.
        var body = http.Response.BodyWriter;
        await using var writer = new Utf8JsonWriter(body, WriterOptions);
        var root = http.Request.CreateODataLink();
        var links = new LinkBuffer(root);
        writer.WriteStartObject();
        if (metadata != AnswerFormat.Metadata.None)
            writer.WriteString("@odata.context", root + "/$metadata#" + set.Name + (selection.Selected ? "(" + selection.ContextUrl() + ")" : ""));
        if (count is { } total) writer.WriteNumber("@odata.count", total);
        // Before the rows, where the library writes it (it knows the link before it writes the page).
        if (deltaLink is not null) writer.WriteString("@odata.deltaLink", deltaLink.AbsoluteUri);
        writer.WritePropertyName("value");
        writer.WriteStartArray();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            writer.WriteStartObject();
            selection.Write(writer, row!, links, pages?[i]);
            writer.WriteEndObject();
            if (writer.BytesPending > 16 * 1024)
            {
                writer.Flush();
                await body.FlushAsync(http.RequestAborted);
            }
        }
        writer.WriteEndArray();
        if (nextLink is not null) writer.WriteString("@odata.nextLink", nextLink.AbsoluteUri);
        writer.WriteEndObject();
        writer.Flush();
        await body.FlushAsync(http.RequestAborted);
    }

    private Shape? ShapeOf(IEdmEntityType type) => _shapes.GetOrAdd(type.ClrTypeOf(), t => Shape.Of(t, type));

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

    /// <summary>An expansion: its name, its entities' selection and how a row reaches them; with full metadata, its links and a collection's type.</summary>
    internal sealed record Expansion(string Name, JsonEncodedText EncodedName, Selection Child, Func<object, object?> Navigate, Collection? Collection,
        NavigationLinks? Links, JsonEncodedText? CollectionType);

    /// <summary>
    /// A collection-valued expansion as the library pages it (its query settings keep no stable order, so in the order the
    /// snapshot holds them): its entities that pass its $filter, in its $orderby, after its $skip, up to its $top; with its
    /// $count, "Name@odata.count" (of the filtered entities) before the array; a page of them and, when there are more,
    /// "Name@odata.nextLink" after the array, to {service root}/{Set}('{parent's key}')/{Name}?{its options}$skip={next}
    /// (no link when its $top is within a page).
    /// </summary>
    internal sealed record Collection(Func<object, IEnumerable?> Items, Func<object, bool>? Filter, Func<IEnumerable, IEnumerable>? Order,
        int? Skip, int? Top, bool Count, string SetName, Func<object, string> ParentKey, string Name, string? NextQuery)
    {
        public JsonEncodedText CountName { get; } = JsonEncodedText.Encode(Name + "@odata.count", JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        public JsonEncodedText TypeName { get; } = JsonEncodedText.Encode(Name + "@odata.type", JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        public JsonEncodedText NextLinkName { get; } = JsonEncodedText.Encode(Name + "@odata.nextLink", JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
    }

    // The nested page's filter and link; null for a composite or non-string key, or when a key of the set would need
    // escaping in the link (it is written as it is).
    private static Collection? CollectionOf(IEdmEntitySet set, Shape parent, IEdmNavigationProperty navigation, Func<object, object?> navigate,
        ExpandedNavigationSelectItem item, Context context)
    {
        if (KeyOf(set.EntityType, parent) is not { } parentKeyOf || !PlainKeys(context.EntitiesOf(parent.ClrType), parentKeyOf)) return null;
        var (request, model) = (context.Request, context.Model);
        var element = navigation.ToEntityType().ClrTypeOf();
        var binding = new Microsoft.AspNetCore.OData.Query.Expressions.QueryBinderContext(model, NestedSettings, element);
        var filter = item.FilterOption is { } clause ? Filter(clause, element, request, binding) : null;
        var order = item.OrderByOption is { } ordering ? Order(ordering, element, request, binding) : null;
        return new Collection(e => navigate(e) as IEnumerable, filter, order, (int?)item.SkipOption, (int?)item.TopOption, item.CountOption == true, set.Name, parentKeyOf,
            navigation.Name, NextQuery(item, set, navigation, request, model));
    }

    // The query's null propagation, as KpiQueryAttribute applies every query with.
    private static readonly Microsoft.AspNetCore.OData.Query.ODataQuerySettings NestedSettings =
        new() { HandleNullPropagation = Microsoft.AspNetCore.OData.Query.HandleNullPropagationOption.True };

    // The nested $filter as the library binds it (its filter binder), made safe as every query is (checked arithmetic,
    // the budget's guard on collections) and compiled once for its shape, as every query is.
    private static Func<object, bool> Filter(FilterClause clause, Type element, HttpRequest request, Microsoft.AspNetCore.OData.Query.Expressions.QueryBinderContext context)
    {
        var binder = request.GetRouteServices().GetRequiredService<Microsoft.AspNetCore.OData.Query.Expressions.IFilterBinder>();
        var predicate = binder.BindFilter(clause, context);
        var entity = Expression.Parameter(typeof(object));
        return (Func<object, bool>)SnapshotQueryProvider.Instance.Execute(Expression.Lambda<Func<object, bool>>(Expression.Invoke(predicate, Expression.Convert(entity, element)), entity))!;
    }

    // The nested $orderby as the library binds it (its order-by binder over the collection, after the $filter), compiled once for its shape.
    private static Func<IEnumerable, IEnumerable> Order(OrderByClause clause, Type element, HttpRequest request, Microsoft.AspNetCore.OData.Query.Expressions.QueryBinderContext context)
    {
        var binder = request.GetRouteServices().GetRequiredService<Microsoft.AspNetCore.OData.Query.Expressions.IOrderByBinder>();
        var items = Expression.Parameter(typeof(IEnumerable));
        var typed = Expression.Call(typeof(Enumerable), nameof(Enumerable.Cast), [element], items);
        var ordered = Microsoft.AspNetCore.OData.Query.Expressions.BinderExtensions.ApplyBind(binder, typed, clause, context, alreadyOrdered: false);
        return (Func<IEnumerable, IEnumerable>)SnapshotQueryProvider.Instance.Execute(Expression.Lambda<Func<IEnumerable, IEnumerable>>(Expression.Convert(ordered, typeof(IEnumerable)), items))!;
    }

    // The query of a nested page's link, with its $skip, as the library writes it: the expansion's options put in a URI by
    // the OData library (ODataUri.BuildUri), then each escaped again as its next-page links do, $top less a page (no link
    // when it is within one) and $skip moved to the end, a page on. Null when there is no next page.
    private static string? NextQuery(ExpandedNavigationSelectItem item, IEdmEntitySet set, IEdmNavigationProperty navigation, HttpRequest request, IEdmModel model)
    {
        if (item.TopOption <= QueryLimits.PageSize) return null;
        var root = request.CreateODataLink();
        var uri = new ODataUriParser(model, new Uri(root), new Uri($"{root}/{set.Name}('key')/{navigation.Name}")).ParseUri();
        uri.SelectAndExpand = item.SelectAndExpand;
        uri.Filter = item.FilterOption;
        uri.OrderBy = item.OrderByOption;
        uri.Skip = item.SkipOption;
        uri.Top = item.TopOption;
        if (item.CountOption is { } count) uri.QueryCount = count;
        var query = new System.Text.StringBuilder();
        foreach (var (key, values) in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Microsoft.OData.ODataUriExtensions.BuildUri(uri, Microsoft.OData.ODataUrlKeyDelimiter.Parentheses).Query))
            foreach (var written in values)
            {
                var value = written ?? "";
                if (key == "$skip") continue;
                if (key == "$top") value = (item.TopOption!.Value - QueryLimits.PageSize).ToString(System.Globalization.CultureInfo.InvariantCulture);
                query.Append(key.StartsWith('$') ? "$" + Uri.EscapeDataString(key[1..]) : Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
            }
        return query.Append("$skip=").Append(QueryLimits.PageSize + (item.SkipOption ?? 0)).ToString();
    }

    // Whether every key of a set's entities is plain, once per list of them (a revision's snapshot holds new lists).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IList, object> PlainKeyed = new();

    private static bool PlainKeys(IList entities, Func<object, string> key) =>
        (bool)PlainKeyed.GetValue(entities, list => list.Cast<object>().All(e => IsPlain(key(e))));

    // A key written into a link as it is: RFC 3986's unreserved characters only (no quote to double, nothing to escape).
    private static bool IsPlain(string? key) =>
        !string.IsNullOrEmpty(key) && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    /// <summary>What a row is written with: its selected properties (in the model's order), then its expansions (in the order asked).</summary>
    public sealed class Selection
    {
        private readonly Shape _shape;
        private readonly List<Property> _properties;
        private readonly List<Expansion> _expansions;

        internal Selection(Shape shape, List<Property> properties, List<Expansion> expansions) =>
            (_shape, _properties, _expansions) = (shape, properties, expansions);

        /// <summary>Whether a $select/$expand chose the columns (the context URL then names them).</summary>
        public bool Selected { get; init; }

        /// <summary>Whether every property is written ($expand without $select): the context URL then names only the expansions.</summary>
        public bool AllColumns { get; init; }

        /// <summary>With full metadata, what it adds to each entity.</summary>
        internal EntityMetadata? Metadata { get; init; }

        /// <summary>Whether a collection-valued navigation is expanded (its entities are paged as the library pages them).</summary>
        public bool ExpandsCollections => _expansions.Any(e => e.Collection is not null);

        /// <summary>
        /// The expanded collections' pages of <paramref name="rows"/>, read before the answer starts (a $filter that fails,
        /// an overflow, fails the request, not its answer halfway): for each row, each collection's entities up to one past a page.
        /// </summary>
        public NestedPage[][]? PagesOf(IList rows)
        {
            if (!ExpandsCollections) return null;
            var collections = _expansions.Where(e => e.Collection is not null).Select(e => e.Collection!).ToList();
            var pages = new NestedPage[rows.Count][];
            for (var i = 0; i < rows.Count; i++)
            {
                pages[i] = new NestedPage[collections.Count];
                for (var c = 0; c < collections.Count; c++)
                {
                    var collection = collections[c];
                    var page = new List<object>();
                    IEnumerable<object> items = (collection.Items(rows[i]!) ?? Array.Empty<object>()).Cast<object>();
                    if (collection.Filter is { } filter) items = items.Where(filter);
                    long? count = collection.Count ? EnumerableMethods.LongCount(items) : null;
                    if (collection.Order is { } order) items = order(items).Cast<object>();
                    if (collection.Skip is { } skip) items = items.Skip(skip);
                    if (collection.Top is { } top) items = items.Take(top);
                    foreach (var item in items)
                    {
                        page.Add(item);
                        if (page.Count > QueryLimits.PageSize) break;
                    }
                    pages[i][c] = new NestedPage(page, count);
                }
            }
            return pages;
        }

        public string ContextUrl() => string.Join(",", (AllColumns ? [] : _properties.Select(p => p.Name))
            .Concat(_expansions.Select(e => $"{e.Name}({e.Child.ContextUrl()})")));

        /// <summary>A row read from a whole entity and the entities its navigation properties hold (its collections' <paramref name="pages"/>); <paramref name="links"/> holds the service root.</summary>
        internal void Write(Utf8JsonWriter writer, object entity, LinkBuffer links, NestedPage[]? pages)
        {
            var collection = 0;
            var full = Metadata is not null;
            Metadata?.WriteHeader(writer, entity, links);
            if (!Selected || AllColumns)
                foreach (var property in _properties) property.Write(writer, entity, full);
            else
                foreach (var property in _shape.Properties)
                    if (_properties.Contains(property)) property.Write(writer, entity, full);
            Metadata?.WriteLinks(writer, links);
            foreach (var expansion in _expansions)
            {
                if (expansion.Links is { } navigation)
                {
                    Metadata!.Locate(entity, links);
                    navigation.Write(writer, links);
                }
                if (expansion.Collection is { } nested)
                {
                    var page = pages![collection++];
                    if (page.Count is { } count) writer.WriteNumber(nested.CountName, count);
                    if (expansion.CollectionType is { } type) writer.WriteString(nested.TypeName, type);
                    writer.WritePropertyName(expansion.EncodedName);
                    WritePage(writer, entity, expansion, nested, page.Items, links);
                    continue;
                }
                writer.WritePropertyName(expansion.EncodedName);
                if (expansion.Navigate(entity) is { } target)
                {
                    writer.WriteStartObject();
                    expansion.Child.Write(writer, target, links, null);
                    writer.WriteEndObject();
                }
                else writer.WriteNullValue();
            }
        }

        private static void WritePage(Utf8JsonWriter writer, object entity, Expansion expansion, Collection collection, List<object> page, LinkBuffer links)
        {
            writer.WriteStartArray();
            for (var i = 0; i < Math.Min(page.Count, QueryLimits.PageSize); i++)
            {
                writer.WriteStartObject();
                expansion.Child.Write(writer, page[i], links, null);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            if (page.Count > QueryLimits.PageSize && collection.NextQuery is { } next)
                writer.WriteString(collection.NextLinkName, $"{links.Root}/{collection.SetName}('{collection.ParentKey(entity)}')/{expansion.Name}?{next}");
        }
    }

    /// <summary>A row's page of an expanded collection: up to one entity past a page, and its $count when asked.</summary>
    public readonly record struct NestedPage(List<object> Items, long? Count);

    /// <summary>The structural properties of an entity type, in the model's order, each with a compiled writer.</summary>
    internal sealed class Shape(Type clrType, List<Property> properties)
    {
        public Type ClrType { get; } = clrType;
        public List<Property> Properties { get; } = properties;

        /// <summary>Whether every property's type annotation in full metadata is one this writer knows.</summary>
        public bool FullMetadata { get; } = properties.All(p => p.AnnotationKnown);

        public static Shape? Of(Type clrType, IEdmEntityType edm)
        {
            var properties = new List<Property>();
            foreach (var edmProperty in edm.StructuralProperties())
            {
                if (clrType.GetProperty(edmProperty.Name) is not { } clr || Property.Of(clr, edmProperty.Type) is not { } property) return null;
                properties.Add(property);
            }
            return new Shape(clrType, properties);
        }
    }

    /// <summary>One property: its name and how its value is written; in full metadata, the type annotation before a value that is not null.</summary>
    internal sealed class Property(string name, Action<Utf8JsonWriter, object> write, string? annotation, bool annotationKnown, Func<object, bool>? hasValue)
    {
        public string Name { get; } = name;
        private readonly JsonEncodedText _name = JsonEncodedText.Encode(name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        private readonly JsonEncodedText? _annotationName = annotation is null ? null : JsonEncodedText.Encode(name + "@odata.type", JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        private readonly JsonEncodedText? _annotation = annotation is null ? null : JsonEncodedText.Encode(annotation, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

        /// <summary>Whether full metadata's annotation of this property is known (else full metadata is the library's to write).</summary>
        public bool AnnotationKnown { get; } = annotationKnown;

        public void Write(Utf8JsonWriter writer, object entity, bool full = false)
        {
            if (full && _annotationName is { } annotationName && (hasValue is null || hasValue(entity))) writer.WriteString(annotationName, _annotation!.Value);
            writer.WritePropertyName(_name);
            write(writer, entity);
        }

        public static Property? Of(PropertyInfo clr, IEdmTypeReference edmType)
        {
            var type = Nullable.GetUnderlyingType(clr.PropertyType) ?? clr.PropertyType;
            if (!(type == typeof(string) || type == typeof(string[]) || type == typeof(int) || type == typeof(long) || type == typeof(bool)
                  || type == typeof(decimal) || type == typeof(double) || type == typeof(DateOnly) || type.IsEnum))
                return null;
            // (writer, entity) => Write(writer, ((T)entity).Property), with the overload of the property's type: no value boxed.
            var writer = Expression.Parameter(typeof(Utf8JsonWriter));
            var entity = Expression.Parameter(typeof(object));
            var value = Expression.Property(Expression.Convert(entity, clr.DeclaringType!), clr);
            var write = type.IsEnum
                ? typeof(Property).GetMethod(clr.PropertyType.IsValueType && Nullable.GetUnderlyingType(clr.PropertyType) is not null ? nameof(WriteNullableEnum) : nameof(WriteEnum),
                    BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type)
                : typeof(Property).GetMethod(nameof(WriteValue), BindingFlags.NonPublic | BindingFlags.Static, [typeof(Utf8JsonWriter), clr.PropertyType]);
            Expression argument = value;
            // No overload of exactly its type (a double, a date, an array; the binder would offer the object one): boxed.
            if (write is null || (!type.IsEnum && write.GetParameters()[1].ParameterType != clr.PropertyType))
            {
                write = typeof(Property).GetMethod(nameof(WriteValue), BindingFlags.NonPublic | BindingFlags.Static, [typeof(Utf8JsonWriter), typeof(object)])!;
                argument = Expression.Convert(value, typeof(object));
            }
            var (annotation, known) = EntityMetadata.AnnotationOf(edmType);
            // (entity) => ((T)entity).Property != null, for an annotated value that may be null (the annotation is left out then).
            var hasValue = annotation is not null && (!clr.PropertyType.IsValueType || Nullable.GetUnderlyingType(clr.PropertyType) is not null)
                ? Expression.Lambda<Func<object, bool>>(Expression.NotEqual(value, Expression.Constant(null, clr.PropertyType)), entity).Compile()
                : null;
            return new Property(clr.Name, Expression.Lambda<Action<Utf8JsonWriter, object>>(Expression.Call(write, writer, argument), writer, entity).Compile(),
                annotation, known, hasValue);
        }

        private static void WriteValue(Utf8JsonWriter writer, string? value) { if (value is null) writer.WriteNullValue(); else writer.WriteStringValue(value); }
        private static void WriteValue(Utf8JsonWriter writer, int value) => writer.WriteNumberValue(value);
        private static void WriteValue(Utf8JsonWriter writer, int? value) { if (value is { } v) writer.WriteNumberValue(v); else writer.WriteNullValue(); }
        private static void WriteValue(Utf8JsonWriter writer, long value) => writer.WriteNumberValue(value);
        private static void WriteValue(Utf8JsonWriter writer, long? value) { if (value is { } v) writer.WriteNumberValue(v); else writer.WriteNullValue(); }
        private static void WriteValue(Utf8JsonWriter writer, bool value) => writer.WriteBooleanValue(value);
        private static void WriteValue(Utf8JsonWriter writer, bool? value) { if (value is { } v) writer.WriteBooleanValue(v); else writer.WriteNullValue(); }
        private static void WriteValue(Utf8JsonWriter writer, decimal value) => writer.WriteNumberValue(value);
        private static void WriteValue(Utf8JsonWriter writer, decimal? value) { if (value is { } v) writer.WriteNumberValue(v); else writer.WriteNullValue(); }
        private static void WriteEnum<T>(Utf8JsonWriter writer, T value) where T : struct, Enum => writer.WriteStringValue(EnumNames<T>.Of(value));
        private static void WriteNullableEnum<T>(Utf8JsonWriter writer, T? value) where T : struct, Enum { if (value is { } v) writer.WriteStringValue(EnumNames<T>.Of(v)); else writer.WriteNullValue(); }

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
                default: throw new InvalidOperationException($"The page writer cannot write a {value.GetType()}.");
            }
        }
    }
}
