;; noise.wat — the CPU engine's voltage-noise fill (MODEL.md §10); `npm run assemble-noise` writes
;; the noise.wasm beside it, which the engine loads (test/engine/noiseFill.test.ts keeps the two equal).
;; Exports `normals(step, group0, count, trial, k0, k1)`: for groups g = group0 … group0 + count − 1
;; it writes the float64 draws of neurons 4g … 4g + 3 at `step` to memory bytes [32·(g − group0),
;; 32·(g − group0) + 32). One group = one Philox4x32-10 call (counter (step, g, trial, 0), key
;; (k0, k1)) and two Box–Muller pairs.
;; It is the bit-for-bit twin of `normalQuad` in src/engine/philox.ts (test/engine/noiseFill.test.ts
;; checks it): the same IEEE double operations in the same order, the same constants (spelled in hex
;; here) and the same tables (philox.ts computes them; noiseFill.ts copies them to the addresses
;; exported below). Philox's 64-bit products come from one i64.mul each, which JavaScript lacks —
;; the reason this exists (docs/cpu-engine.md has what it saves).
(module
  (memory (export "memory") 3)
  ;; Byte addresses of the Box–Muller tables (BOX_MULLER_TABLES in philox.ts); draws go to 0 … 8191.
  (global (export "lnC") i32 (i32.const 8192))
  (global (export "expC") i32 (i32.const 12288))
  (global (export "invC") i32 (i32.const 16384))
  (global (export "cosHi") i32 (i32.const 20480))
  (global (export "sinHi") i32 (i32.const 53248))
  (global (export "cosLo") i32 (i32.const 86016))
  (global (export "sinLo") i32 (i32.const 118784))

  ;; sqrt(−2·ln u1), u1 = n·2^-24 with n = (a >> 8) + 1 = m·2^e, m ∈ [1, 2): m = c_j·(1 + r) with
  ;; c_j = 1 + j/256 nearest to m, ln u1 = lnC[j] + r·ln1p(r)/r + (e + expC[j])·ln 2.
  (func $radius (param $a i32) (result f64)
    (local $n i32) (local $z i32) (local $j i32) (local $m f64) (local $r f64)
    (local.set $n (i32.add (i32.shr_u (local.get $a) (i32.const 8)) (i32.const 1)))
    (local.set $z (i32.clz (local.get $n)))
    ;; m = n·2^-e with e = 31 − z: 2^-e from its exponent bits 1023 − e = 992 + z (exact).
    (local.set $m (f64.mul (f64.convert_i32_u (local.get $n))
      (f64.reinterpret_i64 (i64.shl (i64.extend_i32_u (i32.add (i32.const 992) (local.get $z))) (i64.const 52)))))
    ;; j = m's top nine fraction bits, rounded half up to eight; then a byte offset into the tables.
    (local.set $j (i32.shl
      (i32.shr_u (i32.add (i32.and (i32.shr_u (i32.shl (local.get $n) (local.get $z)) (i32.const 22)) (i32.const 0x1ff)) (i32.const 1)) (i32.const 1))
      (i32.const 3)))
    (local.set $r (f64.mul
      (f64.sub (local.get $m) (f64.add (f64.const 1) (f64.mul (f64.convert_i32_u (i32.shr_u (local.get $j) (i32.const 3))) (f64.const 0x1p-8))))
      (f64.load offset=16384 (local.get $j))))
    (f64.sqrt (f64.mul (f64.const -2)
      (f64.add
        (f64.add
          (f64.load offset=8192 (local.get $j))
          (f64.mul (local.get $r)
            (f64.add (f64.const 0x1p+0) (f64.mul (local.get $r)
            (f64.add (f64.const -0x1p-1) (f64.mul (local.get $r)
            (f64.add (f64.const 0x1.5555555555555p-2) (f64.mul (local.get $r)
            (f64.add (f64.const -0x1p-2) (f64.mul (local.get $r)
            (f64.add (f64.const 0x1.999999999999ap-3) (f64.mul (local.get $r) (f64.const -0x1.5555555555555p-3)))))))))))))
        (f64.mul
          (f64.add (f64.convert_i32_s (i32.sub (i32.const 31) (local.get $z))) (f64.load offset=12288 (local.get $j)))
          (f64.const 0x1.62e42fefa39efp-1))))))

  ;; r·cos(2π·u2) and r·sin(2π·u2) to [out], [out + 8]; u2 = (b >> 8)·2^-24 = (h·2^12 + l)·2^-24, by
  ;; the angle-sum formulas over the high-half and low-half tables.
  (func $pair (param $r f64) (param $b i32) (param $out i32)
    (local $t i32) (local $h i32) (local $l i32) (local $ch f64) (local $sh f64) (local $cl f64) (local $sl f64)
    (local.set $t (i32.shr_u (local.get $b) (i32.const 8)))
    (local.set $h (i32.shl (i32.shr_u (local.get $t) (i32.const 12)) (i32.const 3)))
    (local.set $l (i32.shl (i32.and (local.get $t) (i32.const 4095)) (i32.const 3)))
    (local.set $ch (f64.load offset=20480 (local.get $h)))
    (local.set $sh (f64.load offset=53248 (local.get $h)))
    (local.set $cl (f64.load offset=86016 (local.get $l)))
    (local.set $sl (f64.load offset=118784 (local.get $l)))
    (f64.store offset=0 (local.get $out)
      (f64.mul (f64.sub (f64.mul (local.get $ch) (local.get $cl)) (f64.mul (local.get $sh) (local.get $sl))) (local.get $r)))
    (f64.store offset=8 (local.get $out)
      (f64.mul (f64.add (f64.mul (local.get $sh) (local.get $cl)) (f64.mul (local.get $ch) (local.get $sl))) (local.get $r))))

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
      (call $pair (call $radius (local.get $c0)) (local.get $c1) (local.get $out))
      (call $pair (call $radius (local.get $c2)) (local.get $c3) (i32.add (local.get $out) (i32.const 16)))
      (call $pair (call $radius (local.get $d0)) (local.get $d1) (i32.add (local.get $out) (i32.const 32)))
      (call $pair (call $radius (local.get $d2)) (local.get $d3) (i32.add (local.get $out) (i32.const 48)))
      (local.set $g (i32.add (local.get $g) (i32.const 2)))
      (br $groups))))
)
