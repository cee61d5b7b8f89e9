using Roster.Outbox;

namespace Roster.Mail;

public static class MailSetup
{
    public static IServiceCollection AddMail(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.Section));
        services.AddSingleton<MailTransport>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(provider => provider.GetRequiredService<OutboxSignal>());
        services.AddScoped<Mailer>();
        services.AddHostedService<OutboxSender>();
        return services;
    }
}
