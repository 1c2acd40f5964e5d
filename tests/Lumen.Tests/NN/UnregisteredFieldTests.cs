using Lumen.NN;
using Module = Lumen.NN.Module;
using Xunit;

namespace Lumen.Tests.NN;

/// <summary>PyTorch registers a submodule by assigning it; Lumen registers explicitly. A field that holds a Module or a
/// Parameter but was never registered would leave it out of Parameters(), the state dict and the optimizer: the first
/// Call or Parameters() says so, naming the class, the field and the fix.</summary>
public class UnregisteredFieldTests
{
    private sealed class Forgetful : Module
    {
        public readonly Linear Fc1;
        public readonly Linear Fc2 = new(4, 2);   // forgotten
        public Forgetful() { Fc1 = RegisterModule("fc1", new Linear(3, 4)); }
        public override Tensor Forward(Tensor x) => Fc2.Call(Fc1.Call(x));
    }

    private sealed class ForgetfulParameter : Module
    {
        private readonly Parameter _scale = new(Torch.Ones(3));   // forgotten
        public override Tensor Forward(Tensor x) => x.Mul(_scale);
    }

    private sealed class ForgetfulList : Module
    {
        private readonly Linear[] _blocks = { new(3, 3), new(3, 3) };   // a plain array is not a ModuleList
        public override Tensor Forward(Tensor x) => _blocks.Aggregate(x, (h, b) => b.Call(h));
    }

    /// <summary>Registered fields, a cached reference to a grandchild, a null (bias-less) slot and a deliberately foreign
    /// module marked [Unregistered]: all fine.</summary>
    private sealed class Correct : Module
    {
        public readonly Sequential Features;
        private readonly Linear _last;                  // lives inside Features
        public Parameter? Bias { get; }                 // an auto-property's backing field, null
        [Unregistered] private readonly Linear _teacher = new(2, 2);
        public Correct()
        {
            Features = RegisterModule("features", new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2)));
            _last = (Linear)Features[2];
            Bias = RegisterParameter("bias", (Parameter?)null);
        }
        public override Tensor Forward(Tensor x) => Features.Call(x).Add(_last.Bias!.Mul(0f)).Add(_teacher.Weight.Sum().Mul(0f).Detach());
    }

    [Fact]
    public void A_forgotten_RegisterModule_throws_at_the_first_Call_naming_class_field_and_fix()
    {
        var ex = Assert.Throws<UnregisteredFieldException>(() => new Forgetful().Call(Torch.Randn(2, 3)));
        Assert.Equal(typeof(Forgetful), ex.ModuleType);
        Assert.Equal("Fc2", ex.FieldName);
        Assert.Contains("Forgetful.Fc2 holds a Linear that is not registered", ex.Message);
        Assert.Contains("Fc2 = RegisterModule(\"fc2\", new Linear(...))", ex.Message);
    }

    [Fact]
    public void Parameters_of_a_model_with_a_forgotten_field_throw_instead_of_listing_too_few()
    {
        // PyTorch would list fc1's and fc2's four tensors; silently listing two would train half the model.
        var ex = Assert.Throws<UnregisteredFieldException>(() => new Forgetful().Parameters().ToList());
        Assert.Equal("Fc2", ex.FieldName);
        var p = Assert.Throws<UnregisteredFieldException>(() => new ForgetfulParameter().Parameters().ToList());
        Assert.Contains("ForgetfulParameter._scale holds a Parameter", p.Message);
        Assert.Contains("_scale = RegisterParameter(\"scale\", ...)", p.Message);
    }

    [Fact]
    public void A_plain_array_of_modules_is_reported_with_the_ModuleList_fix()
    {
        var ex = Assert.Throws<UnregisteredFieldException>(() => new ForgetfulList().Call(Torch.Randn(1, 3)));
        Assert.Contains("ForgetfulList._blocks lists a Linear", ex.Message);
        Assert.Contains("new ModuleList(...)", ex.Message);
    }

    /// <summary>Walks its own parameters in the constructor (as an init loop would) before the forgotten field is set.</summary>
    private sealed class WalksItselfEarly : Module
    {
        public readonly Linear First;
        public readonly Linear Late;
        public WalksItselfEarly()
        {
            First = RegisterModule("first", new Linear(2, 2));
            foreach (var p in Parameters()) Init.Zeros_(p);
            Late = new Linear(2, 2);   // forgotten, after the walk
        }
        public override Tensor Forward(Tensor x) => Late.Call(First.Call(x));
    }

    [Fact]
    public void A_field_assigned_after_a_parameter_walk_in_the_constructor_is_still_checked_at_the_first_Call()
    {
        var ex = Assert.Throws<UnregisteredFieldException>(() => new WalksItselfEarly().Call(Torch.Randn(1, 2)));
        Assert.Equal("Late", ex.FieldName);
    }

    [Fact]
    public void A_nested_child_with_a_forgotten_field_is_found_from_the_parent()
    {
        var parent = new Sequential(new Linear(3, 3), new Forgetful());
        Assert.Throws<UnregisteredFieldException>(() => parent.Parameters().ToList());
    }

    [Fact]
    public void A_correctly_registered_module_passes_and_keeps_PyTorchs_keys()
    {
        var m = new Correct();
        Assert.Equal(new[] { "features.0.weight", "features.0.bias", "features.2.weight", "features.2.bias" },
                     m.NamedParameters().Select(p => p.Name));
        Assert.Equal(new Shape(5, 2), m.Call(Torch.Randn(5, 3)).Shape);
    }

    [Fact]
    public void Every_shipped_module_passes_the_check_when_called_or_walked()
    {
        foreach (var type in RegistrationTests.ShippedModuleTypes(typeof(Module).Assembly))
        {
            var m = RegistrationTests.Create(type);
            var ex = Record.Exception(() => m.Parameters().ToList());
            Assert.True(ex is null, $"{type.Name}: {ex?.Message}");
        }
    }
}
