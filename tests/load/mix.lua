-- A mix of real queries, taken in turn by every connection.
local paths = {
  "/odata/Targets?$filter=ProvinceId%20eq%20%27VN-09%27%20and%20Year%20eq%202024&$select=SourceRow,SourceLabel,RawValue",
  "/odata/Indicators(%27doctors-per-10000-population%27)/Targets?$expand=Document($select=Number)",
  "/odata/Targets?$search=bac%20si&$select=Id,SourceLabel",
  "/odata/CatalogueEntries?$count=true&$top=0",
  "/odata/Targets?$format=csv&$select=Id,RawValue,Lower,Upper",
  "/odata/CatalogueEntries?$skip=200&$select=Code,SourceLabel",
  "/odata/Targets?$apply=groupby((ProvinceId,Comparator),aggregate($count%20as%20Count))",
  "/odata/Indicators?$filter=GroupId%20eq%20%27health%27&$expand=Group,Unit",
  "/odata/Documents?$select=Id,Number,IssuedOn",
  "/",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
