namespace AzBlobSync;

/// <summary>What a copy does when the destination already exists (AzCopy's --overwrite); a missing destination is always written.</summary>
public enum OverwriteMode
{
    /// <summary>Replace it without looking at it (reason <c>copy</c>, or <c>overwrite</c> when it existed). The default.</summary>
    True,

    /// <summary>Keep it: the file is skipped with reason <c>exists</c>.</summary>
    False,

    /// <summary>Replace it only when the source was modified later (reason <c>newerThanDestination</c>); otherwise skipped, <c>notNewer</c>.</summary>
    IfSourceNewer,

    /// <summary>Ask before replacing each one (the engine waits for the answer); a refusal is skipped, <c>declined</c>.</summary>
    Prompt,
}
