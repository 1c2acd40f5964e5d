using Lumen.NN;
using Lumen.Optim;
using Xunit;

namespace Lumen.Tests.Tensors;

/// <summary>What a <see cref="DisposeScope"/> releases, what it keeps, and how a released tensor fails.</summary>
public class DisposeScopeTests
{
    private static Tensor Ramp(int n, float scale = 1f) => Torch.Tensor(Enumerable.Range(0, n).Select(i => scale * MathF.Sin(0.3f * i)).ToArray(), n);

    [Fact]
    public void A_tensor_used_after_its_scope_was_disposed_throws_ObjectDisposedException_naming_the_remedy()
    {
        var x = Ramp(10);
        Tensor y;
        using (Torch.NewDisposeScope()) y = x.Mul(2f).Add(1f);
        Assert.True(y.IsDisposed);
        Assert.False(x.IsDisposed);                       // made outside the scope: untouched
        var e = Assert.Throws<ObjectDisposedException>(() => y.Sum());
        Assert.Contains("DisposeScope", e.Message);
        Assert.Contains("DetachFromDisposeScope()", e.Message);
        Assert.Contains("MoveToOuterDisposeScope()", e.Message);
        Assert.Throws<ObjectDisposedException>(() => y.ToArray());
        Assert.Throws<ObjectDisposedException>(() => y.View(2, 5).ToArray());   // views share the released storage
        Assert.Throws<ObjectDisposedException>(() => y.DetachFromDisposeScope());
    }

    [Fact]
    public void Int64_and_bool_results_are_released_too()
    {
        var x = Ramp(8);
        Tensor idx, mask;
        using (Torch.NewDisposeScope()) { idx = x.Argmax(); mask = x.Gt(0f); }
        Assert.Throws<ObjectDisposedException>(() => idx.Item<long>());
        Assert.Throws<ObjectDisposedException>(() => mask.ToArray<bool>());
    }

    [Fact]
    public void Detached_and_moved_tensors_survive_the_scope_with_their_values()
    {
        var x = Ramp(20);
        var expect = x.Mul(3f).ToArray();
        Tensor kept, moved;
        using (Torch.NewDisposeScope())
        {
            kept = x.Mul(3f).DetachFromDisposeScope();
            moved = x.Mul(3f).MoveToOuterDisposeScope();  // no outer scope: kept like a detached one
            for (int i = 0; i < 5; i++) x.Mul(-7f);         // more scoped tensors of the same size
        }
        using (Torch.NewDisposeScope())
            for (int i = 0; i < 5; i++) x.Mul(-9f);         // the next scope rents whatever was released
        Assert.False(kept.IsDisposed);
        Assert.Equal(expect, kept.ToArray());
        Assert.Equal(expect, moved.ToArray());
    }

    [Fact]
    public void An_inner_scope_frees_only_its_own_tensors_and_moved_ones_die_with_the_outer()
    {
        var x = Ramp(16);
        Tensor outerT, innerT, movedT;
        using (var outer = Torch.NewDisposeScope())
        {
            outerT = x.Add(1f);
            using (var inner = Torch.NewDisposeScope())
            {
                Assert.Same(outer, inner.Outer);
                innerT = outerT.Mul(2f);
                movedT = outerT.Mul(4f).MoveToOuterDisposeScope();
            }
            Assert.Equal(2, outer.Count);                   // outerT and movedT
            Assert.True(innerT.IsDisposed);
            Assert.False(outerT.IsDisposed);
            Assert.False(movedT.IsDisposed);
            Assert.Equal(x.Add(1f).Mul(4f).ToArray(), movedT.ToArray());
        }
        Assert.True(outerT.IsDisposed);
        Assert.True(movedT.IsDisposed);
    }

    [Fact]
    public void Disposing_an_outer_scope_also_disposes_an_inner_one_left_open()
    {
        Tensor a;
        var outer = Torch.NewDisposeScope();
        var inner = Torch.NewDisposeScope();
        a = Ramp(4).Mul(2f);
        outer.Dispose();
        Assert.True(inner.IsDisposed);
        Assert.True(a.IsDisposed);
        using var next = Torch.NewDisposeScope();
        Assert.Null(next.Outer);                            // neither scope is current any more
    }

    [Fact]
    public void Tensors_made_in_a_NoDisposeScope_section_outlive_the_scope()
    {
        Tensor cache, temp;
        using (Torch.NewDisposeScope())
        {
            using (Torch.NoDisposeScope()) cache = Torch.Ones(5).Mul(3f);
            temp = cache.Add(1f);
        }
        Assert.Equal(new[] { 3f, 3f, 3f, 3f, 3f }, cache.ToArray());
        Assert.True(temp.IsDisposed);
    }

    [Fact]
    public void Backward_through_a_graph_recorded_in_a_disposed_scope_throws()
    {
        var w = Ramp(6).RequiresGrad_();
        Tensor loss;
        using (Torch.NewDisposeScope()) loss = w.Mul(w).Sum().MoveToOuterDisposeScope();
        var e = Assert.Throws<ObjectDisposedException>(() => loss.Backward());
        Assert.Contains("DisposeScope", e.Message);
    }

    [Fact]
    public void A_leaf_gradient_computed_inside_a_scope_survives_it()
    {
        var x = Ramp(40_000).RequiresGrad_();              // above the engine's pooling threshold too
        using (Torch.NewDisposeScope()) x.Mul(x).Mul(0.5f).Sum().Backward();   // dx = x
        using (Torch.NewDisposeScope()) for (int i = 0; i < 3; i++) x.Detach().Mul(-5f);
        Assert.Equal(x.Detach().ToArray(), x.Grad!.ToArray());
    }

    [Fact]
    public void Parameters_created_lazily_inside_a_scope_and_optimizer_state_survive_it()
    {
        var model = new Sequential(new LazyLinear(3), new ReLU(), new Linear(3, 2));
        var x = Ramp(20).View(5, 4);
        using (Torch.NewDisposeScope()) model.Call(x);    // materialises the LazyLinear's weight and bias here
        var opt = new Adam(model.Parameters(), lr: 0.01);
        for (int step = 0; step < 3; step++)
        {
            using var scope = Torch.NewDisposeScope();
            var loss = model.Call(x).Pow(2f).Mean();
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
        }
        foreach (var p in model.Parameters())
        {
            Assert.False(p.IsDisposed);
            Assert.False(p.Grad!.IsDisposed);
            foreach (var v in opt.State[p].Values.OfType<Tensor>()) Assert.False(v.IsDisposed);
            Assert.All(p.ToArray(), v => Assert.True(float.IsFinite(v)));
        }
    }

    [Fact]
    public void ZeroGrad_to_none_inside_a_scope_releases_the_dropped_gradients_except_kept_ones()
    {
        var model = new Linear(4, 3);
        var opt = new SGD(model.Parameters(), lr: 0.1);
        var x = Ramp(8).View(2, 4);
        model.Call(x).Sum().Backward();                    // outside any scope
        Tensor weightGrad = model.Weight.Grad!, biasGrad = model.Bias!.Grad!;
        var keptValues = biasGrad.ToArray();
        biasGrad.DetachFromDisposeScope();                  // the user keeps this one
        using (Torch.NewDisposeScope())
        {
            opt.ZeroGrad(setToNone: true);
            Assert.Null(model.Weight.Grad);
            model.Call(x).Sum().Backward();
        }
        Assert.True(weightGrad.IsDisposed);                 // dropped in the scope: its buffer went back to the pool
        Assert.Equal(keptValues, biasGrad.ToArray());
        Assert.False(model.Weight.Grad!.IsDisposed);        // the new gradients outlive the step
        var userGrad = Torch.Ones(3, 4);
        model.Weight.Grad = userGrad;                       // a gradient the user assigned is never taken
        using (Torch.NewDisposeScope()) model.ZeroGrad();
        Assert.False(userGrad.IsDisposed);
    }

    [Fact]
    public void Released_storage_is_reused_by_the_next_scope()
    {
        var x = Ramp(1000);
        float[] first;
        using (Torch.NewDisposeScope()) first = x.Mul(2f).F32;
        Tensor again;
        using (Torch.NewDisposeScope())
        {
            again = x.Mul(5f);
            Assert.Same(first, again.F32);                  // the same array, rented back from the pool
            Assert.Equal(x.ToArray().Select(v => v * 5f).ToArray(), again.ToArray());
        }
    }

    [Fact]
    public void Tensors_made_on_another_thread_are_not_recorded()
    {
        Tensor fromWorker = null!;
        using (Torch.NewDisposeScope())
        {
            var t = new Thread(() => fromWorker = Torch.Ones(4).Mul(2f));
            t.Start();
            t.Join();
        }
        Assert.False(fromWorker.IsDisposed);
        Assert.Equal(new[] { 2f, 2f, 2f, 2f }, fromWorker.ToArray());
    }

    [Fact]
    public void A_scope_disposed_on_another_thread_throws()
    {
        var scope = Torch.NewDisposeScope();
        Exception? error = null;
        var t = new Thread(() => { try { scope.Dispose(); } catch (Exception e) { error = e; } });
        t.Start();
        t.Join();
        Assert.IsType<InvalidOperationException>(error);
        scope.Dispose();
        scope.Dispose();                                    // twice: nothing
    }
}
