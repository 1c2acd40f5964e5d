namespace Lumen.Training;

/// <summary>Where an epoch's training pass begins. The random states are those at the epoch's start: the loader draws
/// its order (and its workers' seeds) from them, so a run resumed mid-epoch draws the same order again and skips the
/// <see cref="SkipBatches"/> batches already trained on; a mid-epoch checkpoint saves them for that.</summary>
/// <param name="GlobalRng">the default generator's state at the epoch's start.</param>
/// <param name="LoaderRng">the training loader's own generator's state at the epoch's start, or null.</param>
/// <param name="SkipBatches">batches of this epoch trained before a resume (0 for a fresh epoch).</param>
/// <param name="Sums">the pass's running sums (carried over from the checkpoint when resuming mid-epoch).</param>
internal sealed record EpochStart(byte[] GlobalRng, byte[]? LoaderRng, int SkipBatches, TrainSums Sums)
{
    /// <summary>A fresh epoch: the generators' states now, learning rate <paramref name="lr"/>.</summary>
    public static EpochStart Now(Generator? loaderGen, double lr) =>
        new(Generator.Default.GetState(), loaderGen?.GetState(), 0, new TrainSums { Lr = lr });
}
