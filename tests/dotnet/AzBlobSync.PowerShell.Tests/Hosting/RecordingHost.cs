using System.Collections.Concurrent;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace AzBlobSync.Hosted.Tests.Hosting;

/// <summary>
/// A PowerShell host that records what a console would show (warnings written straight to the host, prompts) and
/// answers confirmation prompts with a test's callback, so a test sees what a user at the console would.
/// </summary>
public sealed class RecordingHost : PSHost
{
    private readonly RecordingUserInterface ui = new();

    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;

    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

    public override Guid InstanceId { get; } = Guid.NewGuid();

    public override string Name => "AzBlobSync.Tests";

    public override Version Version => new(1, 0);

    public override PSHostUserInterface UI => ui;

    /// <summary>Lines written to the console through the host: "WARNING: ..." and the like.</summary>
    public IReadOnlyCollection<string> ConsoleLines => ui.Lines;

    /// <summary>Each confirmation prompt as (caption, message).</summary>
    public IReadOnlyCollection<(string Caption, string Message)> Prompts => ui.Prompts;

    /// <summary>Answers a confirmation prompt (message) with a choice label ("Yes", "No", "Yes to All", ...); "No" by default.</summary>
    public Func<string, string> Answer { set => ui.Answer = value; }

    public override void EnterNestedPrompt() => throw new NotSupportedException();

    public override void ExitNestedPrompt() => throw new NotSupportedException();

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }

    public override void SetShouldExit(int exitCode)
    {
    }

    private sealed class RecordingUserInterface : PSHostUserInterface
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ConcurrentQueue<(string, string)> Prompts { get; } = new();

        public Func<string, string> Answer { get; set; } = _ => "No";

        public override PSHostRawUserInterface? RawUI => null;

        public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Prompts.Enqueue((caption, message));
            string wanted = Answer(message);
            for (int i = 0; i < choices.Count; i++)
            {
                if (string.Equals(choices[i].Label.Replace("&", string.Empty), wanted, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }
            throw new InvalidOperationException($"no choice '{wanted}' among {string.Join(", ", choices.Select(c => c.Label))}");
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) =>
            throw new NotSupportedException("the module must not prompt for values");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new NotSupportedException("the module must not prompt for credentials");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new NotSupportedException("the module must not prompt for credentials");

        public override string ReadLine() => throw new NotSupportedException("the module must not read the console");

        public override SecureString ReadLineAsSecureString() => throw new NotSupportedException("the module must not read the console");

        public override void Write(string value) => Lines.Enqueue(value);

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Lines.Enqueue(value);

        public override void WriteLine(string value) => Lines.Enqueue(value);

        public override void WriteDebugLine(string message) => Lines.Enqueue("DEBUG: " + message);

        public override void WriteErrorLine(string value) => Lines.Enqueue("ERROR: " + value);

        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
        }

        public override void WriteVerboseLine(string message) => Lines.Enqueue("VERBOSE: " + message);

        public override void WriteWarningLine(string message) => Lines.Enqueue("WARNING: " + message);
    }
}
