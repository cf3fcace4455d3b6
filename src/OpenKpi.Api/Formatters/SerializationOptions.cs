namespace OpenKpi.Api.Formatters;

/// <summary>Section "Serialization": which writer answers pages of entities.</summary>
public sealed class SerializationOptions
{
    public const string Section = "Serialization";

    /// <summary>Off: every answer is written by the OData library (the reference the fast writer is tested against).</summary>
    public bool FastCollections { get; set; } = true;
}
