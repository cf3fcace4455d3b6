using System.Globalization;
using FluentValidation;

namespace OpenKpi.Domain.Seeding;

// One FluentValidation validator per kind of seed record. References to other records are checked
// against SeedReferences, so a typo in an id is reported where it is written.

internal static class SeedRules
{
    public const string SlugPattern = "^[a-z0-9]+(?:-[a-z0-9]+)*$";

    public static IRuleBuilderOptions<T, string?> Slug<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().Matches(SlugPattern).WithMessage("'{PropertyValue}' is not a lower-case slug (a-z, 0-9, single hyphens)");

    public static IRuleBuilderOptions<T, string?> OneOf<T>(this IRuleBuilder<T, string?> rule, ICollection<string> ids, string what) =>
        rule.Must(id => id is null || ids.Contains(id)).WithMessage($"'{{PropertyValue}}' is not {what}");

    public static IRuleBuilderOptions<T, string?> Verbatim<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => text is null || (text.Length > 0 && text == text.Trim() && !text.Contains('\n') && !text.Contains("  ")))
            .WithMessage("published text must be trimmed, on one line, with single spaces (null when the cell is empty)");
}

public sealed class ProvinceSeedValidator : AbstractValidator<ProvinceSeed>
{
    public ProvinceSeedValidator(SeedReferences refs)
    {
        RuleFor(p => p.Id).NotEmpty().Matches("^VN-[0-9A-Z]{2}$").WithMessage("'{PropertyValue}' is not an ISO 3166-2 code of Vietnam (VN-09)");
        RuleFor(p => p.Name).NotEmpty();
        RuleFor(p => p.NameEn).NotEmpty();
        RuleFor(p => p.SuccessorId).OneOf(refs.ProvinceIds, "a province in provinces.json")
            .NotEqual(p => p.Id).WithMessage("a province cannot succeed itself");
    }
}

public sealed class DocumentSeedValidator : AbstractValidator<DocumentSeed>
{
    public DocumentSeedValidator(SeedReferences refs)
    {
        RuleFor(d => d.Id).Slug();
        RuleFor(d => d.SourceFile).NotEmpty()
            .Must(file => file is null || File.Exists(Path.Combine(refs.SeedDirectory, "sources", file)))
            .WithMessage("'{PropertyValue}' is not a file in seeds/sources");
        RuleFor(d => d.ProvinceId).OneOf(refs.ProvinceIds, "a province in provinces.json");
        RuleFor(d => d.Note).NotEmpty().When(d => d.ProvinceId is null)
            .WithMessage("a document without a province must say why in its note");
        RuleFor(d => d.Issuer).NotEmpty().When(d => d.ProvinceId is not null)
            .WithMessage("a document of a named province names its issuer");
        RuleFor(d => d.Kind).NotEmpty();
        RuleFor(d => d.Title).NotEmpty();
        RuleFor(d => d.IssuedOn)
            .Must(date => date is null || DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            .WithMessage("'{PropertyValue}' is not a date in the form yyyy-MM-dd");
        RuleFor(d => d.Year).NotNull().InclusiveBetween(1945, 2100);
        RuleFor(d => d.Shape).NotEmpty().Must(shape => shape is "Targets" or "Catalogue")
            .WithMessage("'{PropertyValue}' is not a shape: Targets or Catalogue");
    }
}

public sealed class GroupSeedValidator : AbstractValidator<GroupSeed>
{
    public GroupSeedValidator(SeedReferences refs)
    {
        RuleFor(g => g.Id).Slug();
        RuleFor(g => g.Name).NotEmpty();
        RuleFor(g => g.NameEn).NotEmpty();
        RuleFor(g => g.ParentId).OneOf(refs.GroupIds, "a group in groups.json").NotEqual(g => g.Id);
    }
}

public sealed class UnitSeedValidator : AbstractValidator<UnitSeed>
{
    public UnitSeedValidator()
    {
        RuleFor(u => u.Id).Slug();
        RuleFor(u => u.Name).NotEmpty();
        RuleFor(u => u.NameEn).NotEmpty();
        RuleFor(u => u.BaseUnit).NotEmpty();
        RuleFor(u => u.Multiplier).NotNull().GreaterThan(0);
    }
}

public sealed class FrequencySeedValidator : AbstractValidator<FrequencySeed>
{
    public FrequencySeedValidator()
    {
        RuleFor(f => f.Id).NotEmpty().Matches("^[A-Z][A-Z0-9-]*$").WithMessage("'{PropertyValue}' is not an upper-case code");
        RuleFor(f => f.Name).NotEmpty();
        RuleFor(f => f.NameEn).NotEmpty();
        RuleFor(f => f.IsSdmx).NotNull();
    }
}

public sealed class AgencySeedValidator : AbstractValidator<AgencySeed>
{
    public AgencySeedValidator(SeedReferences refs)
    {
        RuleFor(a => a.Id).Slug();
        RuleFor(a => a.Name).NotEmpty();
        RuleFor(a => a.NameEn).NotEmpty();
        RuleFor(a => a.Kind).NotEmpty();
        RuleFor(a => a.ProvinceId).OneOf(refs.ProvinceIds, "a province in provinces.json");
        RuleForEach(a => a.SuccessorIds).Must(id => refs.AgencyIds.Contains(id)).WithMessage("'{PropertyValue}' is not an agency in seeds/agencies");
    }
}

public sealed class IndicatorSeedValidator : AbstractValidator<IndicatorSeed>
{
    public IndicatorSeedValidator(SeedReferences refs)
    {
        RuleFor(i => i.Id).Slug();
        RuleFor(i => i.Name).NotEmpty();
        RuleFor(i => i.NameEn).NotEmpty();
        RuleFor(i => i.GroupId).NotEmpty().OneOf(refs.GroupIds, "a group in groups.json");
        RuleFor(i => i.UnitId).NotEmpty().OneOf(refs.UnitIds, "a unit in units.json");
    }
}

public sealed class TargetRowSeedValidator : AbstractValidator<TargetRowSeed>
{
    public TargetRowSeedValidator(SeedReferences refs, string documentId)
    {
        RuleFor(r => r.Id).NotEmpty().Must(id => id is null || id.StartsWith(documentId + "-", StringComparison.Ordinal))
            .WithMessage($"'{{PropertyValue}}' must start with its document id '{documentId}-'");
        RuleFor(r => r.Order).NotNull().GreaterThan(0);
        RuleFor(r => r.Line).NotNull().GreaterThan(0);
        RuleFor(r => r.Label).NotEmpty().Verbatim();
        RuleFor(r => r.Row).Verbatim();
        RuleFor(r => r.Section).Verbatim();
        RuleFor(r => r.Paragraph).Verbatim();
        RuleFor(r => r.Paragraph).NotEmpty().When(r => r.Row is null && r.ParentId is null)
            .WithMessage("a row that is neither numbered nor a sub-row must say where in the text it stands");
        RuleFor(r => r.Unit).Verbatim();
        RuleFor(r => r.Value).Verbatim();
        RuleFor(r => r.LeadAgency).Verbatim();
        RuleFor(r => r.CoordinatingAgencies).Verbatim();
        RuleFor(r => r.IndicatorId).OneOf(refs.IndicatorIds, "an indicator in indicators.json");
        RuleFor(r => r.Value).Null().When(r => r.IndicatorId is null).WithMessage("a heading row (no indicatorId) cannot carry a value");
        RuleFor(r => r.UnitId).OneOf(refs.UnitIds, "a unit in units.json");
        RuleFor(r => r.UnitId).NotEmpty().When(r => r.Unit is not null).WithMessage("a published unit needs its unitId");
        RuleForEach(r => r.LeadAgencyIds).Must(refs.AgencyIds.Contains).WithMessage("'{PropertyValue}' is not an agency in seeds/agencies");
        RuleForEach(r => r.CoordinatingAgencyIds).Must(refs.AgencyIds.Contains).WithMessage("'{PropertyValue}' is not an agency in seeds/agencies");
        RuleFor(r => r.LeadAgency).Null().When(r => r.AgencyInherited == true)
            .WithMessage("an inherited agency has no published text of its own");
        RuleFor(r => r.Year).InclusiveBetween(1945, 2100);
    }
}

public sealed class CatalogueRowSeedValidator : AbstractValidator<CatalogueRowSeed>
{
    public CatalogueRowSeedValidator(SeedReferences refs, string documentId)
    {
        RuleFor(r => r.Id).NotEmpty().Must(id => id is null || id.StartsWith(documentId + "-", StringComparison.Ordinal))
            .WithMessage($"'{{PropertyValue}}' must start with its document id '{documentId}-'");
        RuleFor(r => r.Order).NotNull().GreaterThan(0);
        RuleFor(r => r.Line).NotNull().GreaterThan(0);
        RuleFor(r => r.Row).NotEmpty().Verbatim();
        RuleFor(r => r.Code).NotEmpty().Must((r, code) => code is null || code == r.Row || code.EndsWith("." + r.Row, StringComparison.Ordinal))
            .WithMessage("'{PropertyValue}' must end with the published row number");
        RuleFor(r => r.Label).NotEmpty().Verbatim();
        RuleFor(r => r.Unit).Verbatim();
        RuleFor(r => r.Scope).Verbatim();
        RuleFor(r => r.Frequency).Verbatim();
        RuleFor(r => r.Agency).Verbatim();
        RuleFor(r => r.IsHeading).NotNull();
        RuleFor(r => r.IndicatorId).NotEmpty().When(r => r.IsHeading == false).WithMessage("a measured row needs its indicatorId");
        RuleFor(r => r.IndicatorId).OneOf(refs.IndicatorIds, "an indicator in indicators.json");
        RuleFor(r => r.UnitId).OneOf(refs.UnitIds, "a unit in units.json");
        RuleFor(r => r.UnitId).NotEmpty().When(r => r.Unit is not null).WithMessage("a published unit needs its unitId");
        RuleFor(r => r.AgencyId).OneOf(refs.AgencyIds, "an agency in seeds/agencies");
        RuleFor(r => r.AgencyId).NotEmpty().When(r => r.Agency is not null).WithMessage("a published agency needs its agencyId");
        RuleForEach(r => r.FrequencyIds).Must(refs.FrequencyIds.Contains).WithMessage("'{PropertyValue}' is not a frequency in frequencies.json");
    }
}
