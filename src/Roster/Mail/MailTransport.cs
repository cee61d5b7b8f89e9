using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Roster.Outbox;

namespace Roster.Mail;

/// <summary>Hands one message to the configured SMTP server, or, with none configured, writes it as an .eml file.</summary>
public sealed partial class MailTransport(IOptions<SmtpOptions> smtpOptions, IOptions<InstanceOptions> instance, ILogger<MailTransport> log) : IOutboxChannel
{
    OutboxChannel IOutboxChannel.Channel => OutboxChannel.Email;

    /// <summary>A failure throws and is retried: no address is refused for good here.</summary>
    async Task<Error?> IOutboxChannel.DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        await SendAsync(message, cancellationToken);
        return null;
    }

    public string MailFolder => Path.Combine(instance.Value.DataPath, "mail");

    public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var smtp = smtpOptions.Value;
        using var mail = new MailMessage(MailAddressOf(smtp.From), new MailAddress(message.To))
        {
            Subject = message.Subject,
            SubjectEncoding = Encoding.UTF8,
            Body = message.TextBody,
            BodyEncoding = Encoding.UTF8,
        };
        mail.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(message.HtmlBody, Encoding.UTF8, MediaTypeNames.Text.Html));
        // A stable Message-ID lets a receiving server recognise the rare duplicate left by a crash between send and commit.
        mail.Headers.Add("Message-ID", $"<{message.Id:N}@roster>");

        using var client = smtp.IsConfigured ? SmtpClientFor(smtp) : PickupClient();
        await client.SendMailAsync(mail, cancellationToken);

        if (!smtp.IsConfigured)
            log.LogInformation("No SMTP server is configured: wrote \"{Subject}\" for {To} to {Folder}. Its link: {Link}",
                message.Subject, message.To, MailFolder, FirstLink().Match(message.TextBody).Value);
    }

    private static SmtpClient SmtpClientFor(SmtpOptions smtp)
    {
        var client = new SmtpClient(smtp.Host, smtp.Port)
        {
            EnableSsl = smtp.StartTls,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = 30_000,
        };
        if (!string.IsNullOrEmpty(smtp.Username))
            client.Credentials = new NetworkCredential(smtp.Username, smtp.Password);
        return client;
    }

    private SmtpClient PickupClient()
    {
        Directory.CreateDirectory(MailFolder);
        return new SmtpClient
        {
            DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory,
            PickupDirectoryLocation = MailFolder,
        };
    }

    private static MailAddress MailAddressOf(string from) => new(from);

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex FirstLink();
}
