import FieldsyncFuzzing
import FieldsyncTesting
import Testing

/// A short fuzzing run of every parser on every `make test`: the fixtures and 1,500
/// deterministic mutations of them each. `make fuzz` runs the same targets under
/// libFuzzer, for as long as you like.
@Suite("Fuzzing smoke")
struct FuzzSmokeTests {
    @Test("No input crashes a parser or breaks what it promises", arguments: FuzzTarget.allCases)
    func smoke(_ target: FuzzTarget) {
        let seeds = FuzzCorpus.seeds(for: target, fixtures: repositoryRoot() + "/fixtures")
        #expect(!seeds.isEmpty)
        for seed in seeds { target.run(seed) }
        var mutator = Mutator(seed: UInt64(target.rawValue.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
        var input = seeds[0]
        for i in 0 ..< 1500 {
            input = mutator.mutate(i % 50 == 0 ? seeds[i % seeds.count] : input, other: seeds[(i * 7) % seeds.count])
            if input.count > 1 << 16 { input = Array(input.prefix(1 << 16)) }
            target.run(input)
        }
    }
}
