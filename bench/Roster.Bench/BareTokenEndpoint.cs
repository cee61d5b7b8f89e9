using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Roster.Bench;

/// <summary>
/// The least a token endpoint on ASP.NET Core can do, as a second ceiling beside raw RS256: Kestrel takes a
/// client_credentials POST, reads its form, signs the raw ceiling's JWS input with RSA-2048 and answers the
/// token as JSON, uncached. No client check, no claims of its own, no database. What it gets of the raw rate
/// is what the platform (HTTP over loopback, the socket thread's wake-ups, the thread pool) leaves a token
/// server; what Roster gets of this endpoint's rate is what Roster's own work costs.
/// </summary>
public static class BareTokenEndpoint
{
    public const string Mode = "bare-token";
    public const string Path = "/token";

    /// <summary>
    /// `roster-bench bare-token --port N`, started like a ceiling by <see cref="CeilingProbe"/>: prints
    /// <see cref="Ceiling.Ready"/> once listening on 127.0.0.1, and stops when its stdin closes.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["--port", var portText] || !int.TryParse(portText, CultureInfo.InvariantCulture, out var port))
        {
            Console.Error.WriteLine("usage: roster-bench bare-token --port N");
            return 2;
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var app = builder.Build();

        using var rsa = RSA.Create(2048);
        var input = Ceiling.SigningInput();
        app.MapPost(Path, async context =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            if (form["grant_type"] != "client_credentials")
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            var token = Encoding.ASCII.GetString(input) + "." + Base64Url.EncodeToString(rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            var body = Encoding.UTF8.GetBytes($$"""{"access_token":"{{token}}","token_type":"Bearer","expires_in":600}""");
            context.Response.Headers.CacheControl = "no-store";
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        });
        await app.StartAsync();
        Console.WriteLine(Ceiling.Ready);
        while (await Console.In.ReadLineAsync() is not null)
        {
        }
        await app.StopAsync();
        return 0;
    }
}
