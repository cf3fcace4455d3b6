namespace OpenKpi.Api.Http;

/// <summary>
/// Uncached OData requests take a permit of the query limiter (<see cref="QueryAdmission"/>) before routing, and get
/// their time budget once admitted; answers from the response cache, in front of this, take none.
/// </summary>
public sealed class QueryAdmissionMiddleware(RequestDelegate next, QueryAdmission admission)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!Errors.ErrorExtensions.IsOData(context))
        {
            await next(context);
            return;
        }
        using var lease = await admission.EnterQueryAsync(context.RequestAborted);
        if (!lease.IsAcquired)
        {
            await Errors.ErrorExtensions.WriteError(context, StatusCodes.Status503ServiceUnavailable, admission.Busy(context, costly: false));
            return;
        }
        context.Items[QueryAdmission.LeaseKey] = lease;
        admission.StartBudget(context);
        await next(context);
    }
}
