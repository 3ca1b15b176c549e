//! The depthwise kernels' loops compiled for the CPU at hand: natively with AVX2 and FMA where the
//! CPU has them (checked at run time, since the build itself targets plain x86-64 and so SSE2),
//! else as built (SSE2 natively, simd128 in wasm). It uses `unsafe` once: to call the AVX2 build.
#![allow(unsafe_code)]

/// `a · b + c`, in one rounding or two.
pub trait Madd {
    fn madd(a: f32, b: f32, c: f32) -> f32;
}

/// Two roundings: what wasm's SIMD (which has no fused multiply-add) and a CPU without FMA do.
pub struct Split;

impl Madd for Split {
    #[inline(always)]
    fn madd(a: f32, b: f32, c: f32) -> f32 {
        a * b + c
    }
}

/// One rounding (`vfmadd`).
#[cfg(target_arch = "x86_64")]
struct Fused;

#[cfg(target_arch = "x86_64")]
impl Madd for Fused {
    #[inline(always)]
    fn madd(a: f32, b: f32, c: f32) -> f32 {
        a.mul_add(b, c)
    }
}

/// A kernel whose loops are compiled once for each kind of multiply-add. Its `run`, and what
/// `run` calls, are `#[inline(always)]`, so that they are compiled inside [`with_avx2_fma`] with
/// its instructions.
pub trait Kernel {
    type Out;
    fn run<M: Madd>(self) -> Self::Out;
}

/// Runs `kernel` with the best multiply-add this CPU has.
pub fn run<K: Kernel>(kernel: K) -> K::Out {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
        // SAFETY: this CPU has AVX2 and FMA (checked just above).
        return unsafe { with_avx2_fma(kernel) };
    }
    kernel.run::<Split>()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn with_avx2_fma<K: Kernel>(kernel: K) -> K::Out {
    kernel.run::<Fused>()
}
