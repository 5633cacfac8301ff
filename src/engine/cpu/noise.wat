;; noise.wat — the CPU engine's voltage-noise fill (MODEL.md §10), compiled at load with wabt.
;; Exports `normals(step, group0, count, trial, k0, k1)`: for groups g = group0 … group0 + count − 1
;; it writes the float64 draws of neurons 4g … 4g + 3 at `step` to memory bytes [32·(g − group0),
;; 32·(g − group0) + 32). One invocation of the group loop = one Philox4x32-10 call (counter
;; (step, g, trial, 0), key (k0, k1)) and two Box–Muller pairs.
;; It is the bit-for-bit twin of `normalQuad` in src/engine/philox.ts (test/engine/noiseWasm.test.ts
;; checks it): the same IEEE double operations in the same order, the same constants (spelled in hex
;; here), and Philox's 64-bit products from one i64.mul, which JavaScript lacks — that product is
;; why this exists: a Philox call costs ~14 ns here against ~57 ns in JavaScript. The two Box–Muller
;; pairs of a group run in the two lanes of f64x2 (SIMD lanes are IEEE doubles, so the bits are
;; those of the scalar JavaScript).
(module
  (memory (export "memory") 1)

  ;; m ∈ [√½, √2) and e with n = m·2^e for n = (a >> 8) + 1 ∈ [1, 2^24] (both exact); returns m and
  ;; sets $e_out through the global, so the caller can pack the two pairs' values into lanes.
  (global $e_out (mut i32) (i32.const 0))
  (func $mantissa (param $a i32) (result f64)
    (local $n i32) (local $e i32) (local $m f64) (local $big i32)
    (local.set $n (i32.add (i32.shr_u (local.get $a) (i32.const 8)) (i32.const 1)))
    (local.set $e (i32.sub (i32.const 31) (i32.clz (local.get $n))))
    ;; m = n·2^-e, 2^-e built from its exponent bits (exact).
    (local.set $m (f64.mul (f64.convert_i32_u (local.get $n))
      (f64.reinterpret_i64 (i64.shl (i64.extend_i32_u (i32.sub (i32.const 1023) (local.get $e))) (i64.const 52)))))
    ;; m > √2 for about half the draws: a select, not a branch that mispredicts.
    (local.set $big (f64.gt (local.get $m) (f64.const 0x1.6a09e667f3bcdp+0)))
    (local.set $m (select (f64.mul (local.get $m) (f64.const 0.5)) (local.get $m) (local.get $big)))
    (local.set $e (i32.add (local.get $e) (local.get $big)))
    (global.set $e_out (local.get $e))
    (local.get $m))

  ;; Both pairs of one group: lane p holds pair p = (x_2p, x_2p+1). Writes r·cos, r·sin of pair 0,
  ;; then of pair 1, to [out … out + 32).
  (func $boxMuller (param $x0 i32) (param $x1 i32) (param $x2 i32) (param $x3 i32) (param $out i32)
    (local $m v128) (local $e v128) (local $s v128) (local $s2 v128) (local $r v128)
    (local $f v128) (local $q v128) (local $x v128) (local $xx v128) (local $c v128) (local $sn v128)
    ;; radius sqrt(−2·ln u1): ln u1 = 2·atanh((m − 1)/(m + 1)) + (e − 24)·ln 2
    (local.set $m (f64x2.splat (call $mantissa (local.get $x0))))
    (local.set $e (f64x2.splat (f64.convert_i32_s (i32.sub (global.get $e_out) (i32.const 24)))))
    (local.set $m (f64x2.replace_lane 1 (local.get $m) (call $mantissa (local.get $x2))))
    (local.set $e (f64x2.replace_lane 1 (local.get $e) (f64.convert_i32_s (i32.sub (global.get $e_out) (i32.const 24)))))
    (local.set $s (f64x2.div (f64x2.sub (local.get $m) (v128.const f64x2 1 1)) (f64x2.add (local.get $m) (v128.const f64x2 1 1))))
    (local.set $s2 (f64x2.mul (local.get $s) (local.get $s)))
    (local.set $r (f64x2.sqrt (f64x2.mul (v128.const f64x2 -2 -2)
      (f64x2.add
        (f64x2.mul (f64x2.mul (v128.const f64x2 2 2) (local.get $s))
          (f64x2.add (v128.const f64x2 0x1.0000000000000p+0 0x1.0000000000000p+0) (f64x2.mul (local.get $s2)
          (f64x2.add (v128.const f64x2 0x1.5555555555555p-2 0x1.5555555555555p-2) (f64x2.mul (local.get $s2)
          (f64x2.add (v128.const f64x2 0x1.999999999999ap-3 0x1.999999999999ap-3) (f64x2.mul (local.get $s2)
          (f64x2.add (v128.const f64x2 0x1.2492492492492p-3 0x1.2492492492492p-3) (f64x2.mul (local.get $s2)
          (f64x2.add (v128.const f64x2 0x1.c71c71c71c71cp-4 0x1.c71c71c71c71cp-4) (f64x2.mul (local.get $s2)
          (f64x2.add (v128.const f64x2 0x1.745d1745d1746p-4 0x1.745d1745d1746p-4) (f64x2.mul (local.get $s2)
          (f64x2.add (v128.const f64x2 0x1.3b13b13b13b14p-4 0x1.3b13b13b13b14p-4) (f64x2.mul (local.get $s2)
          (f64x2.add (v128.const f64x2 0x1.1111111111111p-4 0x1.1111111111111p-4) (f64x2.mul (local.get $s2)
          (f64x2.add (v128.const f64x2 0x1.e1e1e1e1e1e1ep-5 0x1.e1e1e1e1e1e1ep-5) (f64x2.mul (local.get $s2)
          (f64x2.add (v128.const f64x2 0x1.af286bca1af28p-5 0x1.af286bca1af28p-5) (f64x2.mul (local.get $s2)
          (f64x2.add (v128.const f64x2 0x1.8618618618618p-5 0x1.8618618618618p-5) (f64x2.mul (local.get $s2) (v128.const f64x2 0x1.642c8590b2164p-5 0x1.642c8590b2164p-5))))))))))))))))))))))))
        (f64x2.mul (local.get $e) (v128.const f64x2 0x1.62e42fefa39efp-1 0x1.62e42fefa39efp-1))))))
    ;; angle: 4·u2 = q + (4·u2 − q), x = (4·u2 − q)·π/2 ∈ [−π/4, π/4]
    (local.set $f (f64x2.mul
      (f64x2.replace_lane 1
        (f64x2.splat (f64.convert_i32_u (i32.shr_u (local.get $x1) (i32.const 8))))
        (f64.convert_i32_u (i32.shr_u (local.get $x3) (i32.const 8))))
      (v128.const f64x2 0x1p-22 0x1p-22)))
    (local.set $q (f64x2.floor (f64x2.add (local.get $f) (v128.const f64x2 0.5 0.5))))
    (local.set $x (f64x2.mul (f64x2.sub (local.get $f) (local.get $q)) (v128.const f64x2 0x1.921fb54442d18p+0 0x1.921fb54442d18p+0)))
    (local.set $xx (f64x2.mul (local.get $x) (local.get $x)))
    (local.set $c
      (f64x2.add (v128.const f64x2 0x1.0000000000000p+0 0x1.0000000000000p+0) (f64x2.mul (local.get $xx)
      (f64x2.add (v128.const f64x2 -0x1.0000000000000p-1 -0x1.0000000000000p-1) (f64x2.mul (local.get $xx)
      (f64x2.add (v128.const f64x2 0x1.5555555555555p-5 0x1.5555555555555p-5) (f64x2.mul (local.get $xx)
      (f64x2.add (v128.const f64x2 -0x1.6c16c16c16c17p-10 -0x1.6c16c16c16c17p-10) (f64x2.mul (local.get $xx)
      (f64x2.add (v128.const f64x2 0x1.a01a01a01a01ap-16 0x1.a01a01a01a01ap-16) (f64x2.mul (local.get $xx)
      (f64x2.add (v128.const f64x2 -0x1.27e4fb7789f5cp-22 -0x1.27e4fb7789f5cp-22) (f64x2.mul (local.get $xx)
      (f64x2.add (v128.const f64x2 0x1.1eed8eff8d898p-29 0x1.1eed8eff8d898p-29) (f64x2.mul (local.get $xx)
      (f64x2.add (v128.const f64x2 -0x1.93974a8c07c9dp-37 -0x1.93974a8c07c9dp-37) (f64x2.mul (local.get $xx) (v128.const f64x2 0x1.ae7f3e733b81fp-45 0x1.ae7f3e733b81fp-45))))))))))))))))))
    (local.set $sn (f64x2.mul (local.get $x)
      (f64x2.add (v128.const f64x2 0x1.0000000000000p+0 0x1.0000000000000p+0) (f64x2.mul (local.get $xx)
      (f64x2.add (v128.const f64x2 -0x1.5555555555555p-3 -0x1.5555555555555p-3) (f64x2.mul (local.get $xx)
      (f64x2.add (v128.const f64x2 0x1.1111111111111p-7 0x1.1111111111111p-7) (f64x2.mul (local.get $xx)
      (f64x2.add (v128.const f64x2 -0x1.a01a01a01a01ap-13 -0x1.a01a01a01a01ap-13) (f64x2.mul (local.get $xx)
      (f64x2.add (v128.const f64x2 0x1.71de3a556c734p-19 0x1.71de3a556c734p-19) (f64x2.mul (local.get $xx)
      (f64x2.add (v128.const f64x2 -0x1.ae64567f544e4p-26 -0x1.ae64567f544e4p-26) (f64x2.mul (local.get $xx)
      (f64x2.add (v128.const f64x2 0x1.6124613a86d09p-33 0x1.6124613a86d09p-33) (f64x2.mul (local.get $xx)
      (f64x2.add (v128.const f64x2 -0x1.ae7f3e733b81fp-41 -0x1.ae7f3e733b81fp-41) (f64x2.mul (local.get $xx) (v128.const f64x2 0x1.952c77030ad4ap-49 0x1.952c77030ad4ap-49)))))))))))))))))))
    (call $store (local.get $out) (f64x2.extract_lane 0 (local.get $q))
      (f64x2.extract_lane 0 (local.get $c)) (f64x2.extract_lane 0 (local.get $sn)) (f64x2.extract_lane 0 (local.get $r)))
    (call $store (i32.add (local.get $out) (i32.const 16)) (f64x2.extract_lane 1 (local.get $q))
      (f64x2.extract_lane 1 (local.get $c)) (f64x2.extract_lane 1 (local.get $sn)) (f64x2.extract_lane 1 (local.get $r))))

  ;; r·cos(π/2·(q + x')) and r·sin(…) from c = cos x, s = sin x, by the quadrant k = q mod 4 —
  ;; with selects, not branches: k is random, and mispredicted branches cost more than the rest.
  ;;   k odd swaps c and s; cos changes sign for k = 1, 2, sin for k = 2, 3.
  (func $store (param $out i32) (param $q f64) (param $c f64) (param $s f64) (param $r f64)
    (local $k i32) (local $a f64) (local $b f64)
    (local.set $k (i32.trunc_f64_u (local.get $q)))
    (local.set $a (select (local.get $s) (local.get $c) (i32.and (local.get $k) (i32.const 1))))
    (local.set $b (select (local.get $c) (local.get $s) (i32.and (local.get $k) (i32.const 1))))
    (local.set $a (select (f64.neg (local.get $a)) (local.get $a)
      (i32.and (i32.add (local.get $k) (i32.const 1)) (i32.const 2))))
    (local.set $b (select (f64.neg (local.get $b)) (local.get $b) (i32.and (local.get $k) (i32.const 2))))
    (f64.store offset=0 (local.get $out) (f64.mul (local.get $a) (local.get $r)))
    (f64.store offset=8 (local.get $out) (f64.mul (local.get $b) (local.get $r))))

;; Two groups per iteration, their Philox rounds interleaved: one group's chain of dependent
;; multiplies leaves the core idle, two keep it busy (when count is odd, the extra group is written
;; past the block and ignored).
  (func (export "normals") (param $step i32) (param $group0 i32) (param $count i32) (param $trial i32) (param $k0 i32) (param $k1 i32)
    (local $g i32) (local $a i32) (local $b i32) (local $round i32) (local $out i32)
    (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32) (local $p0 i64) (local $p1 i64)
    (local $d0 i32) (local $d1 i32) (local $d2 i32) (local $d3 i32) (local $q0 i64) (local $q1 i64)
    (block $done (loop $groups
      (br_if $done (i32.ge_u (local.get $g) (local.get $count)))
      (local.set $c0 (local.get $step))
      (local.set $c1 (i32.add (local.get $group0) (local.get $g)))
      (local.set $c2 (local.get $trial))
      (local.set $c3 (i32.const 0))
      (local.set $d0 (local.get $step))
      (local.set $d1 (i32.add (local.get $c1) (i32.const 1)))
      (local.set $d2 (local.get $trial))
      (local.set $d3 (i32.const 0))
      (local.set $a (local.get $k0))
      (local.set $b (local.get $k1))
      (local.set $round (i32.const 10))
      (loop $rounds
        ;; Random123's philox4x32round on both counters, then the Weyl key bump.
        (local.set $p0 (i64.mul (i64.extend_i32_u (local.get $c0)) (i64.const 0xd2511f53)))
        (local.set $q0 (i64.mul (i64.extend_i32_u (local.get $d0)) (i64.const 0xd2511f53)))
        (local.set $p1 (i64.mul (i64.extend_i32_u (local.get $c2)) (i64.const 0xcd9e8d57)))
        (local.set $q1 (i64.mul (i64.extend_i32_u (local.get $d2)) (i64.const 0xcd9e8d57)))
        (local.set $c0 (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $p1) (i64.const 32))) (local.get $c1)) (local.get $a)))
        (local.set $d0 (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $q1) (i64.const 32))) (local.get $d1)) (local.get $a)))
        (local.set $c1 (i32.wrap_i64 (local.get $p1)))
        (local.set $d1 (i32.wrap_i64 (local.get $q1)))
        (local.set $c2 (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $p0) (i64.const 32))) (local.get $c3)) (local.get $b)))
        (local.set $d2 (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $q0) (i64.const 32))) (local.get $d3)) (local.get $b)))
        (local.set $c3 (i32.wrap_i64 (local.get $p0)))
        (local.set $d3 (i32.wrap_i64 (local.get $q0)))
        (local.set $a (i32.add (local.get $a) (i32.const 0x9e3779b9)))
        (local.set $b (i32.add (local.get $b) (i32.const 0xbb67ae85)))
        (local.set $round (i32.sub (local.get $round) (i32.const 1)))
        (br_if $rounds (local.get $round)))
      (local.set $out (i32.shl (local.get $g) (i32.const 5)))
      (call $boxMuller (local.get $c0) (local.get $c1) (local.get $c2) (local.get $c3) (local.get $out))
      (call $boxMuller (local.get $d0) (local.get $d1) (local.get $d2) (local.get $d3) (i32.add (local.get $out) (i32.const 32)))
      (local.set $g (i32.add (local.get $g) (i32.const 2)))
      (br $groups))))
)
