using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.OData.Edm;

namespace OpenKpi.Api.Snapshot;

/// <summary>
/// What JSON with full metadata (odata.metadata=full) adds to an entity, as the OData library writes it: its type, id and
/// edit link first; a type annotation before each value JSON cannot tell the type of (a decimal, a date, an enum member, a
/// collection); then the association and navigation links of the navigation properties it writes (all of them when no
/// $select narrows it, the ones not expanded first in the model's order, then each expansion's before its value).
/// </summary>
internal sealed class EntityMetadata(IEdmEntityType type, string setName, Func<object, string> key, IReadOnlyList<NavigationLinks> links)
{
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("@odata.type");
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("@odata.id");
    private static readonly JsonEncodedText EditLinkName = JsonEncodedText.Encode("@odata.editLink");

    private readonly JsonEncodedText _type = JsonEncodedText.Encode("#" + type.FullName(), JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

    /// <summary>The entity's type, id and edit link; the buffer then holds its URL, which the links extend.</summary>
    public void WriteHeader(Utf8JsonWriter writer, object entity, LinkBuffer buffer)
    {
        writer.WriteString(TypeName, _type);
        Locate(entity, buffer);
        writer.WriteString(IdName, buffer.Entity);
        writer.WriteString(EditLinkName, buffer.EditLink);
    }

    /// <summary>The entity's URL into the buffer again (an expanded entity written since took it).</summary>
    public void Locate(object entity, LinkBuffer buffer) => buffer.StartEntity(setName, key(entity));

    /// <summary>The links of the navigation properties not expanded, after the entity's properties.</summary>
    public void WriteLinks(Utf8JsonWriter writer, LinkBuffer buffer)
    {
        foreach (var link in links) link.Write(writer, buffer);
    }

    /// <summary>The type annotation of a property's value in full metadata ("#Decimal"); null when JSON tells its type (a string, an Int32, a boolean), or when it is not one this writer knows.</summary>
    public static (string? Annotation, bool Known) AnnotationOf(IEdmTypeReference type)
    {
        if (type.IsCollection())
            return type.AsCollection().ElementType() is { } element && element.IsString() ? ("#Collection(String)", true) : (null, false);
        if (type.IsEnum()) return ("#" + type.Definition.FullTypeName(), true);
        if (type.IsString() || type.IsInt32() || type.IsBoolean()) return (null, true);
        if (type.IsDecimal()) return ("#Decimal", true);
        if (type.IsInt64()) return ("#Int64", true);
        if (type.IsDate()) return ("#Date", true);
        return (null, false);
    }
}

/// <summary>A navigation property's association and navigation links ("Name@odata.associationLink", "Name@odata.navigationLink").</summary>
internal sealed class NavigationLinks(string name)
{
    private readonly JsonEncodedText _association = JsonEncodedText.Encode(name + "@odata.associationLink", JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
    private readonly JsonEncodedText _navigation = JsonEncodedText.Encode(name + "@odata.navigationLink", JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
    private readonly string _segment = "/" + name;

    public void Write(Utf8JsonWriter writer, LinkBuffer buffer)
    {
        writer.WriteString(_association, buffer.Below(_segment, "/$ref"));
        writer.WriteString(_navigation, buffer.Below(_segment, ""));
    }
}

/// <summary>
/// The URLs of the entity being written, built in one reused buffer: {service root}/{Set}('{key}'), its edit link (the same
/// without the root) and its navigation links, so that no string is made for each.
/// </summary>
internal sealed class LinkBuffer(string root)
{
    private char[] _chars = new char[256];
    private int _entity;
    private int _length;

    public string Root { get; } = root;

    public ReadOnlySpan<char> Entity => _chars.AsSpan(0, _entity);

    public ReadOnlySpan<char> EditLink => _chars.AsSpan(Root.Length + 1, _entity - Root.Length - 1);

    public void StartEntity(string set, string key)
    {
        _length = 0;
        Append(Root);
        Append("/");
        Append(set);
        Append("('");
        Append(key);
        Append("')");
        _entity = _length;
    }

    /// <summary>The entity's URL with <paramref name="segment"/> and <paramref name="suffix"/> after it.</summary>
    public ReadOnlySpan<char> Below(string segment, string suffix)
    {
        _length = _entity;
        Append(segment);
        Append(suffix);
        return _chars.AsSpan(0, _length);
    }

    private void Append(string text)
    {
        if (_length + text.Length > _chars.Length) Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _length + text.Length));
        text.CopyTo(_chars.AsSpan(_length));
        _length += text.Length;
    }
}
