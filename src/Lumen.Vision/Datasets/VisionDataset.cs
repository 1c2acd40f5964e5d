using Lumen.Data;
using Lumen.Vision.Codecs;
using Lumen.Vision.Transforms;

namespace Lumen.Vision.Datasets;

/// <summary>A labelled image dataset, torchvision's <c>VisionDataset</c>: sample i is <c>(Transform(image), TargetTransform(label))</c>.
/// The transform receives an <see cref="Image"/> (PIL's role) and must end in a tensor (e.g. with <see cref="ToTensor"/>);
/// without a transform, or when it returns an Image, the image is converted with ToTensor.</summary>
public abstract class VisionDataset : Dataset<(Tensor Image, long Label)>
{
    /// <summary>Applied to each image; null for ToTensor only.</summary>
    public Transform? Transform { get; set; }

    /// <summary>Applied to each label; null for none.</summary>
    public Func<long, long>? TargetTransform { get; set; }

    /// <summary>The untransformed image at <paramref name="index"/>.</summary>
    public abstract Image GetImage(int index);

    /// <summary>The label at <paramref name="index"/>.</summary>
    public abstract long GetLabel(int index);

    public override (Tensor Image, long Label) this[int index]
    {
        get
        {
            CheckIndex(index);
            var img = GetImage(index);
            object x = Transform is null ? img : Transform.Forward(img);
            var tensor = x switch
            {
                Tensor t => t,
                Image i => TF.ToTensor(i),
                _ => throw new InvalidOperationException($"{GetType().Name}: the transform returned a {x.GetType().Name}, expected a Tensor or an Image."),
            };
            long label = GetLabel(index);
            return (tensor, TargetTransform is null ? label : TargetTransform(label));
        }
    }
}
