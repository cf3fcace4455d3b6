using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;
using Microsoft.OData.Edm.Vocabularies;
using Microsoft.OData.Edm.Vocabularies.V1;
using Microsoft.OData.ModelBuilder;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.OData;

/// <summary>The one EDM model of v1: entity set names and keys are the public contract.</summary>
public static class EdmModelFactory
{
    public const string Namespace = "OpenKpi";

    public static IEdmModel Build()
    {
        var builder = new ODataConventionModelBuilder { Namespace = Namespace, ContainerName = "Catalogue" };
        foreach (var set in CatalogueSets.Served) builder.AddEntitySet(set.Name, builder.AddEntityType(set.Type));

        // Clients see one short namespace, not the CLR one.
        foreach (var type in builder.StructuralTypes) type.Namespace = Namespace;
        foreach (var type in builder.EnumTypes) type.Namespace = Namespace;
        var model = (EdmModel)builder.GetEdmModel();
        DeclareCapabilities(model);
        return model;
    }

    /// <summary>The term of <see cref="QueryLimits.PageSize"/>: no standard vocabulary has one.</summary>
    public const string PageSizeTerm = Namespace + ".PageSize";

    private const string Capabilities = "Org.OData.Capabilities.V1";

    // What a client can learn from $metadata alone: every set is read-only, and how it may be queried, with the declared limits.
    private static void DeclareCapabilities(EdmModel model)
    {
        var pageSize = new EdmTerm(Namespace, "PageSize", EdmCoreModel.Instance.GetInt32(isNullable: false), "EntitySet");
        model.AddElement(pageSize);
        Annotate(model, pageSize, CoreVocabularyModel.DescriptionTerm, new EdmStringConstant(
            "Rows per page of server-driven paging: a longer answer ends with @odata.nextLink (its $top, if any, is what remains). " +
            "Prefer: odata.maxpagesize asks for fewer. CSV is never paged."));
        foreach (var set in model.EntityContainer.EntitySets())
        {
            Annotate(model, set, Term("InsertRestrictions"), Record(("Insertable", new EdmBooleanConstant(false))));
            Annotate(model, set, Term("UpdateRestrictions"), Record(("Updatable", new EdmBooleanConstant(false))));
            Annotate(model, set, Term("DeleteRestrictions"), Record(("Deletable", new EdmBooleanConstant(false))));
            Annotate(model, set, Term("TopSupported"), new EdmBooleanConstant(true));
            Annotate(model, set, Term("SkipSupported"), new EdmBooleanConstant(true));
            Annotate(model, set, Term("ComputeSupported"), new EdmBooleanConstant(false));
            Annotate(model, set, Term("CountRestrictions"), Record(("Countable", new EdmBooleanConstant(true))));
            Annotate(model, set, Term("FilterRestrictions"), Record(("Filterable", new EdmBooleanConstant(true)), ("RequiresFilter", new EdmBooleanConstant(false))));
            Annotate(model, set, Term("SearchRestrictions"), Record(("Searchable", new EdmBooleanConstant(true))));
            Annotate(model, set, Term("ExpandRestrictions"), Record(("Expandable", new EdmBooleanConstant(true)),
                ("MaxLevels", new EdmIntegerConstant(QueryLimits.MaxExpansionDepth))));
            Annotate(model, set, pageSize, new EdmIntegerConstant(QueryLimits.PageSize));
        }
        var capabilities = new EdmReference(new Uri("https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Capabilities.V1.xml"));
        capabilities.AddInclude(new EdmInclude("Capabilities", Capabilities));
        var core = new EdmReference(new Uri("https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml"));
        core.AddInclude(new EdmInclude("Core", "Org.OData.Core.V1"));
        model.SetEdmReferences([capabilities, core]);
    }

    private static IEdmTerm Term(string name) =>
        CapabilitiesVocabularyModel.Instance.FindDeclaredTerm($"{Capabilities}.{name}") ?? throw new InvalidOperationException($"No term {Capabilities}.{name}.");

    private static EdmRecordExpression Record(params (string Name, IEdmExpression Value)[] properties) =>
        new(properties.Select(p => new EdmPropertyConstructor(p.Name, p.Value)));

    // Inline: the annotation is written inside the element it describes, where a reader of that element looks.
    private static void Annotate(EdmModel model, IEdmVocabularyAnnotatable target, IEdmTerm term, IEdmExpression value)
    {
        var annotation = new EdmVocabularyAnnotation(target, term, value);
        annotation.SetSerializationLocation(model, EdmVocabularyAnnotationSerializationLocation.Inline);
        model.SetVocabularyAnnotation(annotation);
    }

    private static readonly Dictionary<string, Type> ClrTypes = typeof(Target).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(Target).Namespace && t.IsClass).ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>The CLR type an entity type of this model was built from (the model renames the namespace, not the type).</summary>
    public static Type ClrTypeOf(this IEdmEntityType type) => ClrTypes[type.Name];
}
