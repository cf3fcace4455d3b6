using OpenKpi.Api.OData;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Http;

/// <summary>
/// Links bound to the dataset revision they were made from. An OData request without <c>revision</c> gets the revision it is
/// answered from added to its query (a custom query option, which the library copies into every @odata.nextLink it writes),
/// so each next link names its revision; a request that names another revision than the one served — a next link minted by a
/// replica of another revision during a rolling update, say — answers 410 Gone saying to start over, never a page of other
/// data. A client may also name the revision itself, to be answered only from the one it cited.
/// </summary>
public sealed class RevisionBoundLinks(RequestDelegate next)
{
    public const string Parameter = "revision";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments("/odata", StringComparison.OrdinalIgnoreCase)) return next(context);
        // Taken here, not in the constructor: the pipeline is built while the catalogue loads.
        var served = context.RequestServices.GetRequiredService<CatalogueSnapshot>().LatestRevision?.Id;
        if (request.Query.TryGetValue(Parameter, out var named))
        {
            return named.ToString() == served ? next(context) : ODataErrors.Write(context, StatusCodes.Status410Gone, "StartOver", served is null
                ? $"This link names revision {named} of the dataset, and this service serves a dataset without revisions. Start over from the first page."
                : $"This link was made from revision {named} of the dataset; this service now serves revision {served}. " +
                  "Start over from the first page (its pages then all come from one revision), or take that revision whole from /odata/Revisions.");
        }
        if (served is not null) request.QueryString = request.QueryString.Add(Parameter, served);
        return next(context);
    }
}
