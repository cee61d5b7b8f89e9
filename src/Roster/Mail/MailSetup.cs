using Roster.Outbox;

namespace Roster.Mail;

public static class MailSetup
{
    public static IServiceCollection AddMail(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.Section));
        services.AddSingleton<MailTransport>();
        services.AddOutboxChannel<MailTransport>();
        services.AddScoped<Mailer>();
        return services;
    }
}
