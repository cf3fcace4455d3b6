using System.IO.Compression;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace OpenKpi.Api.Http;

public static class HttpExtensions
{
    public const string CorsPolicy = "open-data";

    // Swagger UI loads its own scripts and styles and sets inline styles; nothing else is needed.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>What every open-data client gets: CORS for any origin (read-only methods), Brotli and gzip, a fair share of the service, repeated answers from memory.</summary>
    public static IServiceCollection AddKpiHttp(this IServiceCollection services)
    {
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(options => options.AddServerHeader = false);
        services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, ConnectionMemoryPoolFactory>();   // registered after Kestrel's, so it is the one Kestrel gets
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section);
        services.AddOptions<ResponseCacheOptions>().BindConfiguration(ResponseCacheOptions.Section);
        services.AddCors(options => options.AddPolicy(CorsPolicy, policy => policy
            .AllowAnyOrigin()
            .WithMethods("GET", "HEAD", "OPTIONS")
            .AllowAnyHeader()
            .WithExposedHeaders("ETag", "Last-Modified", "api-supported-versions", "OData-Version", "Content-Disposition", "Retry-After")));
        services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["text/csv", "application/problem+json", "application/zip"]);
        });
        services.Configure<BrotliCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.PermitLimit,
                    Window = TimeSpan.FromSeconds(limits.WindowSeconds),
                    QueueLimit = 0,
                });
            });
            options.OnRejected = (context, _) =>
            {
                var limits = context.HttpContext.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : limits.WindowSeconds;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask; // the status code pages write the JSON body, naming the limit
            };
        });
        return services;
    }

    public static WebApplication UseKpiHttp(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.EnforceHttps)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers["X-Request-Id"] = context.TraceIdentifier;
            return next(context);
        });
        app.UseMiddleware<RequestLimitsMiddleware>();
        app.UseCors(CorsPolicy);
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// Repeated queries answered with the bytes of the first answer, before routing and the OData library, but
    /// after the rate limits, CORS and security headers, which every answer gets. Outside compression, so
    /// that it keeps answers as sent.
    /// </summary>
    public static WebApplication UseKpiResponseCache(this WebApplication app)
    {
        app.UseMiddleware<ResponseCacheMiddleware>();
        return app;
    }

    /// <summary>ETags, 304s and Cache-Control (after the version checks, so a 304 still names the supported versions); compression.</summary>
    public static WebApplication UseKpiCaching(this WebApplication app)
    {
        app.UseMiddleware<CachingMiddleware>();
        app.UseResponseCompression();
        return app;
    }
}
