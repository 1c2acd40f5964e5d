namespace Lumen.Distributed.Tests;

/// <summary>A fact that needs Open MPI's mpirun (installed by .ci/run); skipped with the reason where it is missing.</summary>
public sealed class MpiFactAttribute : FactAttribute
{
    public MpiFactAttribute()
    {
        if (MpiRun.Mpirun == null) Skip = "mpirun (Open MPI) is not installed: apt-get install openmpi-bin (.ci/run does).";
    }
}
