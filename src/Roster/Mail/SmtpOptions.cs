namespace Roster.Mail;

public sealed class SmtpOptions
{
    public const string Section = "Roster:Smtp";

    /// <summary>When empty, mail is written as .eml files under the data folder instead of sent.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>Upgrade the connection with STARTTLS (System.Net.Mail does not speak implicit TLS on port 465).</summary>
    public bool StartTls { get; set; } = true;
    public string From { get; set; } = "Roster <roster@localhost>";

    // RetryDelay and MaxRetryDelay in this section are the outbox's, for every channel: see OutboxOptions.

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}
