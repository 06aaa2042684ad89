namespace AzBlobSync.Tests.Unit;

/// <summary>A clock that moves only when a test says so, for throttles and grace periods without real waiting.</summary>
internal sealed class SteppingClock : TimeProvider
{
    private long ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
}
