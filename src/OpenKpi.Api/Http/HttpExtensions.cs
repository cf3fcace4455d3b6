using System.IO.Compression;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.OutputCaching;
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
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateOnStart();
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(options => options.AddServerHeader = false);
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ResponseCacheOptions>().BindConfiguration(ResponseCacheOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ResponseCachePolicy>();
        services.AddOutputCache();
        services.AddOptions<OutputCacheOptions>().Configure<ResponseCachePolicy, IOptions<ResponseCacheOptions>>((output, policy, cache) =>
        {
            output.AddBasePolicy(policy);
            output.SizeLimit = (long)cache.Value.SizeLimitMegabytes * 1024 * 1024;
            output.MaximumBodySize = (long)cache.Value.MaxEntryKilobytes * 1024;
            output.UseCaseSensitivePaths = true;   // as the links in the answers are
        });
        services.AddOptions<ConcurrencyOptions>().BindConfiguration(ConcurrencyOptions.Section)
            .Validate(o => o.QueryPermits > 0 && o.CostlyPermits > 0 && o.QueryQueue >= 0 && o.CostlyQueue >= 0, "Concurrency: permits must be positive, queues not negative.")
            .ValidateOnStart();
        services.AddSingleton<QueryAdmission>();
        services.AddOptions<ForwardedProxyOptions>().BindConfiguration(ForwardedProxyOptions.Section)
            .Validate(o => o.KnownProxies.All(p => System.Net.IPAddress.TryParse(p, out _)) && o.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)),
                "ForwardedHeaders: KnownProxies are IP addresses (\"10.0.0.5\"), KnownNetworks CIDR networks (\"10.0.0.0/8\").")
            .ValidateOnStart();
        // X-Forwarded-For and -Proto are believed only from the proxies configured: the defaults (loopback) are cleared,
        // so that no client can choose its own address for the rate limit by sending the header.
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedProxyOptions>>((options, proxies) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.Value.KnownProxies) options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            foreach (var network in proxies.Value.KnownNetworks) options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        services.AddCors(options => options.AddPolicy(CorsPolicy, policy => policy
            .AllowAnyOrigin()
            .WithMethods("GET", "HEAD", "OPTIONS")
            .AllowAnyHeader()
            .WithExposedHeaders("ETag", "Last-Modified", "api-supported-versions", "OData-Version", "Preference-Applied", "Content-Disposition", "Retry-After")));
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
                // Probes must not be refused for the traffic of others.
                if (context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)) return RateLimitPartition.GetNoLimiter("health");
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
        // Answers name their host (@odata.context, nextLink): a Host that is no host name is refused first, before anything reads it.
        app.Use((context, next) => IsHostName(context.Request.Headers.Host.ToString()) ? next(context)
            : Errors.ErrorExtensions.WriteError(context, StatusCodes.Status400BadRequest, "The Host header is not a valid host name (and port)."));
        if (app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.EnforceHttps)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        // With no proxy named, the middleware would believe every sender (it checks addresses only when it has some): leave it out.
        var proxies = app.Services.GetRequiredService<IOptions<ForwardedProxyOptions>>().Value;
        if (proxies.KnownProxies.Length > 0 || proxies.KnownNetworks.Length > 0) app.UseForwardedHeaders();
        // Set as the answer starts: after the output cache has copied what the answer carries (another request's id must not
        // be replayed), and after an exception handler has cleared the headers.
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var context = (HttpContext)state;
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers["X-Request-Id"] = context.TraceIdentifier;
                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        app.UseMiddleware<RequestLimitsMiddleware>();
        app.UseCors(CorsPolicy);
        app.UseRateLimiter();
        app.UseMiddleware<RevisionBoundLinks>();   // before the cache and routing: every next link names the revision it pages
        return app;
    }

    internal static bool IsHostName(string header)
    {
        try
        {
            var host = HostString.FromUriComponent(header);   // decodes punycode: throws on an invalid "xn--" label
            if (host.Host.Length == 0) return false;
            var name = host.Host.StartsWith('[') && host.Host.EndsWith(']') ? host.Host[1..^1] : host.Host;
            return Uri.CheckHostName(name) != UriHostNameType.Unknown && Uri.TryCreate($"http://{header}/", UriKind.Absolute, out var uri) && uri.IdnHost.Length > 0;
        }
        catch (Exception e) when (e is ArgumentException or UriFormatException or FormatException)
        {
            return false;
        }
    }

    /// <summary>HEAD answered as the GET it stands for, without the body; first, so that every part of the pipeline (errors, the response cache, routing) sees a GET.</summary>
    public static WebApplication UseKpiHead(this WebApplication app)
    {
        app.UseMiddleware<HeadMiddleware>();
        return app;
    }

    /// <summary>Uncached OData requests wait for a permit here and get their time budget (costly ones wait again before they are evaluated).</summary>
    public static WebApplication UseKpiAdmission(this WebApplication app)
    {
        app.UseMiddleware<QueryAdmissionMiddleware>();
        return app;
    }

    /// <summary>
    /// Repeated queries answered with the bytes of the first answer by ASP.NET Core's output cache (<see cref="ResponseCachePolicy"/>),
    /// before routing and the OData library, but after the rate limits, CORS and security headers, which every answer gets.
    /// Outside compression, so that it keeps answers as sent. Left out when the cache is off, to measure the uncached path.
    /// </summary>
    public static WebApplication UseKpiResponseCache(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ResponseCacheOptions>>().Value.Enabled) app.UseOutputCache();
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
