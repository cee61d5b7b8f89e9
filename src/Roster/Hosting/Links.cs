using Microsoft.Extensions.Options;

namespace Roster.Hosting;

/// <summary>Absolute links for emails and the CLI: the configured public URL, else the URL of the current request.</summary>
public sealed class Links(IOptions<InstanceOptions> options, IHttpContextAccessor http)
{
    public string Absolute(string path)
    {
        var configured = options.Value.PublicUrl;
        var request = http.HttpContext?.Request;
        var origin = !string.IsNullOrWhiteSpace(configured) ? configured.TrimEnd('/')
            : request is not null ? $"{request.Scheme}://{request.Host}{request.PathBase}"
            : throw new InvalidOperationException("Set Roster__PublicUrl (the address people use to reach Roster, e.g. https://id.example.org) so links can be built outside a web request.");
        return origin + path;
    }
}
