namespace Lumen.Optim.Schedulers;

/// <summary><see cref="CyclicLR"/>'s amplitude policy: constant, halved every cycle, or scaled by gamma^iteration.</summary>
public enum CyclicMode { Triangular, Triangular2, ExpRange }

/// <summary>Whether a <see cref="CyclicLR"/> scale function receives the cycle number or the iteration number.</summary>
public enum ScaleMode { Cycle, Iterations }

/// <summary><see cref="OneCycleLR"/>'s annealing curve.</summary>
public enum AnnealStrategy { Cos, Linear }

/// <summary><see cref="ReduceLROnPlateau"/>: whether the monitored metric should go down (loss) or up (accuracy).</summary>
public enum PlateauMode { Min, Max }

/// <summary><see cref="ReduceLROnPlateau"/>: whether the improvement threshold is relative to the best value or absolute.</summary>
public enum ThresholdMode { Rel, Abs }
