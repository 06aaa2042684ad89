using AzBlobSync.Commands;

namespace AzBlobSync.Tests.Unit;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("90s", 90_000)]
    [InlineData("30m", 1_800_000)]
    [InlineData("12h", 43_200_000)]
    [InlineData("7d", 604_800_000)]
    [InlineData(" 7 D ", 604_800_000)]
    [InlineData("7.00:00:00", 604_800_000)]
    [InlineData("01:30:00", 5_400_000)]
    public void Reads_units_and_timespans(string text, long expectedMilliseconds)
    {
        Assert.True(DurationText.TryParse(text, out TimeSpan value));
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), value);
    }

    [Theory]
    [InlineData("3600")] // PowerShell would read a bare number as ticks; refuse rather than guess
    [InlineData("7 days")]
    [InlineData("-1d")]
    [InlineData("-01:00:00")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("99999999999999999999d")]
    public void Refuses_what_is_not_clearly_a_duration(string? text)
    {
        Assert.False(DurationText.TryParse(text, out _));
    }
}
