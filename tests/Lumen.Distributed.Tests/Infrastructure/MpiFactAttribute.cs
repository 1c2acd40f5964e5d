namespace Lumen.Distributed.Tests;

/// <summary>A fact that needs Open MPI's mpirun (installed by .ci/run); skipped with the reason where it is missing.</summary>
public sealed class MpiFactAttribute : FactAttribute
{
    public MpiFactAttribute()
    {
        if (MpiRun.Mpirun == null) Skip = "mpirun (Open MPI) is not installed: apt-get install openmpi-bin (.ci/run does).";
    }

    /// <summary>The test also runs its job on a pseudo-terminal through util-linux's <c>script</c>.</summary>
    public bool NeedsTerminal
    {
        get => false;
        set
        {
            if (value && Skip == null && MpiRun.Script == null)
                Skip = "util-linux's script (to give mpirun a pseudo-terminal) is not installed: apt-get install bsdutils.";
        }
    }
}
