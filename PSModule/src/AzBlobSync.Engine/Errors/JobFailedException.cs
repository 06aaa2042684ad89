namespace AzBlobSync.Errors;

/// <summary>The engine ended the job as failed; the summary says why (its already-prefixed errorId becomes <see cref="AzBlobSyncException.ErrorId"/>).</summary>
public sealed class JobFailedException : AzBlobSyncException
{
    public JobFailedException(JobSummary summary)
        : base(
            summary.ErrorId ?? ErrorIds.InternalError,
            MessageText.FromEngine(summary.Error ?? "the job failed without saying why"),
            summary)
    {
        Summary = summary;
    }

    public JobSummary Summary { get; }
}
