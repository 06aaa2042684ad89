using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;

namespace AzBlobSync.PowerShell;

/// <summary>Completes -Vault from Get-SecretVault, when SecretManagement is loaded (never loads it, never throws).</summary>
public sealed class VaultNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        VaultQuery.Names("Get-SecretVault", null, wordToComplete);
}

/// <summary>Completes -SecretName from Get-SecretInfo (in the -Vault already typed, if any).</summary>
public sealed class SecretNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        VaultQuery.Names("Get-SecretInfo", fakeBoundParameters?["Vault"] as string, wordToComplete);
}

internal static class VaultQuery
{
    public static IEnumerable<CompletionResult> Names(string command, string? vault, string wordToComplete)
    {
        try
        {
            using var shell = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
            shell.AddCommand("Get-Module").AddParameter("Name", "Microsoft.PowerShell.SecretManagement");
            if (shell.Invoke().Count == 0)
            {
                return Enumerable.Empty<CompletionResult>();
            }
            shell.Commands.Clear();
            shell.AddCommand("Microsoft.PowerShell.SecretManagement\\" + command);
            if (vault is not null)
            {
                shell.AddParameter("Vault", vault);
            }
            shell.AddParameter("ErrorAction", ActionPreference.SilentlyContinue);
            string prefix = wordToComplete.Trim('\'', '"');
            return shell.Invoke()
                // SecretManagement's own objects carry a string; a script-written vault's may carry it wrapped in a PSObject.
                .Select(o => (o.Properties["Name"]?.Value is PSObject wrapped ? wrapped.BaseObject : o.Properties["Name"]?.Value) as string)
                .Where(n => n is not null && n.StartsWith(prefix, System.StringComparison.OrdinalIgnoreCase))
                .Select(n => new CompletionResult(n!.Contains(' ') ? $"'{n}'" : n, n, CompletionResultType.ParameterValue, n))
                .ToList();
        }
        catch (RuntimeException)
        {
            return Enumerable.Empty<CompletionResult>();
        }
    }
}
