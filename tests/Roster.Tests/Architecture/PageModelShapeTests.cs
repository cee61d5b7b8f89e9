using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Architecture;

/// <summary>
/// Pages call one workflow each: a transaction, an email or an audit row written inside a page model is a
/// rule the API and the CLI would not share. This holds the page models to that, by what they are given
/// and by what their code does.
/// </summary>
public sealed partial class PageModelShapeTests
{
    private static readonly Type[] WorkflowParts =
        [typeof(Roster.Audit.AuditLog), typeof(Roster.Mail.Mailer), typeof(Roster.Mail.MailTransport), typeof(Roster.Outbox.OutboxQueue), typeof(Roster.Accounts.AccountTokens)];

    [Fact]
    public void NoPageModelIsGivenTheAuditLogTheMailerTheOutboxOrTheTokenIssuer()
    {
        var offenders = typeof(Roster.Hosting.RosterHost).Assembly.GetTypes()
            .Where(t => typeof(PageModel).IsAssignableFrom(t) && !t.IsAbstract)
            .SelectMany(t => t.GetConstructors().SelectMany(c => c.GetParameters())
                .Where(p => WorkflowParts.Contains(p.ParameterType))
                .Select(p => $"{t.Name} takes {p.ParameterType.Name}"))
            .ToList();

        Assert.True(offenders.Count == 0, string.Join("; ", offenders));
    }

    [Fact]
    public void NoPageModelWritesToTheDatabaseItself()
    {
        var pages = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src", "Roster"), "*.cshtml.cs", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(pages);
        var offenders = pages
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line, index)))
            .Where(l => Writes().IsMatch(l.line))
            .Select(l => $"{Path.GetRelativePath(Repository.Root, l.file)}:{l.index + 1}: {l.line.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, string.Join("\n", offenders));
    }

    [GeneratedRegex(@"SaveChanges|BeginTransaction|BeginOrJoinTransaction|ExecuteUpdate|ExecuteDelete|\.Record\(|\.Enqueue\(")]
    private static partial Regex Writes();
}
