using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Accounts;

namespace Roster.Launcher;

public sealed class IndexModel(UserManager<User> users) : PageModel
{
    public string Name { get; private set; } = "";

    public async Task OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        Name = user is null ? "" : $"{user.Name} ({user.UserName})";
    }
}
