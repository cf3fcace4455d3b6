using Microsoft.OData.Edm;
using Microsoft.OData.ModelBuilder;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.OData;

/// <summary>The one EDM model of v1: entity set names and keys are the public contract.</summary>
public static class EdmModelFactory
{
    public const string Namespace = "OpenKpi";

    public static IEdmModel Build()
    {
        var builder = new ODataConventionModelBuilder { Namespace = Namespace, ContainerName = "Catalogue" };
        builder.EntitySet<Province>("Provinces");
        builder.EntitySet<Document>("Documents");
        builder.EntitySet<Group>("Groups");
        builder.EntitySet<Unit>("Units");
        builder.EntitySet<Frequency>("Frequencies");
        builder.EntitySet<Agency>("Agencies");
        builder.EntitySet<Indicator>("Indicators");
        builder.EntitySet<Target>("Targets");
        builder.EntitySet<CatalogueEntry>("CatalogueEntries");

        // Clients see one short namespace, not the CLR one.
        foreach (var type in builder.StructuralTypes) type.Namespace = Namespace;
        foreach (var type in builder.EnumTypes) type.Namespace = Namespace;
        return builder.GetEdmModel();
    }

    private static readonly Dictionary<string, Type> ClrTypes = typeof(Target).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(Target).Namespace && t.IsClass).ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>The CLR type an entity type of this model was built from (the model renames the namespace, not the type).</summary>
    public static Type ClrTypeOf(this IEdmEntityType type) => ClrTypes[type.Name];
}
