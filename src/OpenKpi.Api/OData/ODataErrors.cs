using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OData;

namespace OpenKpi.Api.OData;

/// <summary>The OData error shape, {"error":{"code","message","target"}}, with never an inner error.</summary>
public static class ODataErrors
{
    /// <summary>The request id is an instance annotation of the error, so a user can report it.</summary>
    public const string RequestIdAnnotation = "@OpenKpi.requestId";

    /// <summary>An action result that writes the OData error, whatever format the request asked for.</summary>
    public static IActionResult Result(int status, string code, string message) => new ErrorResult(status, code, message);

    public static Task Write(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, Body(code, message, context.TraceIdentifier), cancellationToken: context.RequestAborted);
    }

    public static Dictionary<string, object> Body(string code, string message, string requestId) => new()
    {
        ["error"] = new Dictionary<string, string> { ["code"] = code, ["message"] = message, [RequestIdAnnotation] = requestId },
    };

    private sealed class ErrorResult(int status, string code, string message) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => Write(context.HttpContext, status, code, message);
    }

    /// <summary>
    /// A library's message without what only a .NET developer reads: " (Parameter 'x')" goes, and a message that is
    /// nothing but runtime text (a null argument, a type name) becomes a plain one.
    /// </summary>
    public static string ForPeople(string message)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(message, @"\s*\(Parameter '[^']*'\)", "");
        return text.Contains("System.", StringComparison.Ordinal) || text.Contains("Microsoft.", StringComparison.Ordinal)
            || text.Contains("Value cannot be null", StringComparison.Ordinal) || text.Contains("Object reference", StringComparison.Ordinal)
            || text.Contains('`') || text.Contains("Exception", StringComparison.Ordinal)
            ? "The query is not valid OData: check its syntax, its property names and the types of its literals (null cannot be compared with gt, ge, lt or le)."
            : text;
    }

    /// <summary>The message of whatever the OData library put in its error result, without its inner error.</summary>
    public static string MessageOf(object? value) => value switch
    {
        ODataError error => ForPeople(error.Message),
        SerializableError error when error.TryGetValue("Message", out var message) => ForPeople(message?.ToString() ?? "The query is not valid."),
        string text => ForPeople(text),
        ProblemDetails problem => ForPeople(problem.Detail ?? problem.Title ?? "The query is not valid."),
        _ => "The query is not valid.",
    };
}
