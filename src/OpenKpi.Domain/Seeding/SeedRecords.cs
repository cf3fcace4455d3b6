namespace OpenKpi.Domain.Seeding;

// The shapes of the JSON files in seeds/ (see seeds/README.md). Every property is nullable so that
// a missing field is reported by the validators with its file and record, not thrown by the reader.

public sealed record ProvinceSeed(string? Id, string? Name, string? NameEn, string? SuccessorId, string? Note);

public sealed record DocumentSeed(
    string? Id, string? SourceFile, string? ProvinceId, string? Issuer, string? Kind, string? Number,
    string? IssuedOn, string? Title, string? Appendix, int? Year, string? Shape, string? Note);

public sealed record GroupSeed(string? Id, string? Name, string? NameEn, string? ParentId);

public sealed record UnitSeed(
    string? Id, string? Name, string[]? Spellings, string? NameEn, string? BaseUnit, decimal? Multiplier, string? Note);

public sealed record FrequencySeed(string? Id, string? Name, string? NameEn, bool? IsSdmx);

public sealed record AgencySeed(
    string? Id, string? Name, string? NameEn, bool? NameEnProvisional, string? ProvinceId, string? Kind,
    string[]? SuccessorIds, string? Note);

public sealed record IndicatorSeed(
    string? Id, string? Name, string? NameEn, bool? NameEnProvisional, string? GroupId, string? UnitId, string? Note);

public sealed record TargetRowSeed(
    string? Id, int? Order, string? Row, string? ParentId, string? Section, string? Label, string? IndicatorId,
    string? Paragraph, string? Unit, string? UnitId, bool? UnitInherited, string? Value,
    string? LeadAgency, string[]? LeadAgencyIds, string? CoordinatingAgencies, string[]? CoordinatingAgencyIds,
    bool? AgencyInherited, int? Year, int? Line, string? Note);

public sealed record TargetTableSeed(string? DocumentId, TargetRowSeed[]? Rows);

public sealed record CatalogueRowSeed(
    string? Id, int? Order, string? Row, string? Code, string? ParentId, string? Label, bool? IsHeading,
    string? IndicatorId, string? Unit, string? UnitId, string? Scope, string? Frequency, string[]? FrequencyIds,
    string? Agency, string? AgencyId, int? Line, string? Note);

public sealed record CatalogueTableSeed(string? DocumentId, CatalogueRowSeed[]? Rows);
