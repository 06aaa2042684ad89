namespace AzBlobSync.Errors;

/// <summary>The engine ended the job as failed; the summary says why (its errorId becomes <see cref="AzBlobSyncException.ErrorId"/>).</summary>
public sealed class JobFailedException : AzBlobSyncException
{
    public JobFailedException(JobSummary summary)
        : base(ErrorIds.FromEngine(summary.ErrorId), summary.Error ?? "the sync job failed without saying why", summary)
    {
        Summary = summary;
    }

    public JobSummary Summary { get; }
}
