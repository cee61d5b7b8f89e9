using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Accounts;

namespace Roster.Transfer;

/// <summary>
/// /users/import: an admin uploads a CSV, sees what it would do, and confirms. The confirm step posts the same text back
/// with the preview's digest, and the import refuses if it would now do anything other than what was shown.
/// </summary>
[Authorize(Policy = Permissions.Administer)]
[RequestSizeLimit(MaxUploadBytes * 3)]
public sealed class ImportModel(PeopleImport import, CurrentActor current) : PageModel
{
    /// <summary>One mebibyte: several thousand people. Larger moves go through `roster import`.</summary>
    public const int MaxUploadBytes = 1024 * 1024;

    /// <summary>The preview lists at most this many rows, so a large file does not make a page no one can read.</summary>
    public const int MaxShownLines = 1000;

    [BindProperty] public IFormFile? Upload { get; set; }
    [BindProperty] public string? Csv { get; set; }
    [BindProperty] public string? Digest { get; set; }

    public ImportPlan? Plan { get; private set; }
    public List<Error> Errors { get; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken cancellationToken)
    {
        if (Upload is null || Upload.Length == 0)
            return Refuse(new Error("import.file", "Choose a CSV file to import.", "File"));
        if (Upload.Length > MaxUploadBytes)
            return Refuse(new Error("import.too_large", $"The file is larger than {MaxUploadBytes / 1024} KiB. Split it, or use roster import on the server.", "File"));
        using var reader = new StreamReader(Upload.OpenReadStream());
        Csv = await reader.ReadToEndAsync(cancellationToken);
        var result = await import.PreviewAsync(await current.GetAsync(), ImportFormat.Csv, Csv, cancellationToken);
        return await this.AnswerAsync(result, plan =>
        {
            Plan = plan;
            Digest = plan.Digest;
            if (!plan.Succeeded)
                Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }, Errors, () => Task.FromResult(true));
    }

    public async Task<IActionResult> OnPostImportAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(Csv) || string.IsNullOrEmpty(Digest) || Csv.Length > MaxUploadBytes)
            return Refuse(new Error("import.file", "Choose a CSV file and check it first.", "File"));
        var result = await import.ImportAsync(await current.GetAsync(), ImportFormat.Csv, Csv, Upload?.FileName ?? "CSV upload on /users/import", Digest, cancellationToken);
        return await this.AnswerAsync(result, plan =>
        {
            if (plan.Succeeded)
                return Redirect($"/users?done=imported&count={plan.Lines.Count(l => l is { Kind: "person", Action: ImportAction.Create })}");
            Plan = plan;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }, Errors, () => Task.FromResult(true));
    }

    private PageResult Refuse(Error error)
    {
        Errors.Add(error);
        Csv = null;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
