using System.Management.Automation;
using AzBlobSync.Hosted.Tests.Hosting;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Hosted.Tests;

/// <summary>
/// -Confirm as a user at the console meets it: the host is asked once for the sync and once per deletion, and each
/// answer is obeyed (the oracle reads back which blobs are left).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ConfirmTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestTree tree = new();
    private readonly ModuleRunspace runspace = new();

    public void Dispose()
    {
        runspace.Dispose();
        tree.Dispose();
    }

    [Fact]
    public void Confirm_asks_for_the_sync_and_for_each_deletion_and_keeps_what_was_declined()
    {
        tree.Write("keep.txt", "kept");
        tree.Write("extra.txt", "behind our back");
        string container = azurite.NewContainer("confirm");
        azurite.Oracle.Put(container, "extra-1.txt", tree.FullPath("extra.txt"));
        azurite.Oracle.Put(container, "extra-2.txt", tree.FullPath("extra.txt"));
        File.Delete(tree.FullPath("extra.txt"));
        runspace.Host.Answer = message => message.Contains("extra-2.txt", StringComparison.Ordinal) ? "No" : "Yes";

        using PowerShell ps = runspace.NewPowerShell();
        ps.AddCommand("Sync-AzBlob").AddParameter("Path", tree.Root).AddParameter("Destination", azurite.ContainerUrl(container))
            .AddParameter("StorageAccountKey", Secrets.ToSecureString(AzuriteFixture.AccountKey)).AddParameter("DeleteDestination").AddParameter("Confirm");
        var output = ps.Invoke();

        Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error));
        var prompts = runspace.Host.Prompts.Select(p => p.Message).ToList();
        Assert.Equal(3, prompts.Count);
        Assert.Single(prompts, p => p.Contains("extra-1.txt", StringComparison.Ordinal));
        Assert.Single(prompts, p => p.Contains("extra-2.txt", StringComparison.Ordinal));
        Assert.Equal(["extra-2.txt", "keep.txt"], azurite.Oracle.Names(container).Order(StringComparer.Ordinal));
        var summary = Assert.Single(output, o => o.TypeNames[0] == "AzBlobSync.JobSummary");
        Assert.Equal(1L, summary.Properties["FilesDeleted"].Value);
    }
}
