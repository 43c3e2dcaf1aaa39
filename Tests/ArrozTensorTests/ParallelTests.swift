// ParallelTests: parallelFor — every index once, from two callers at once, and nested regions inline.
import Foundation
import Synchronization
import Testing

@testable import ArrozTensor

@Suite struct ParallelTests {
    /// Counts how often each index of `0..<n` is visited by `parallelFor`.
    private static func visits(_ n: Int, grain: Int = 1) -> [Int] {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0)
        parallelFor(n, grain: grain) { range in
            for i in range { counts[i] += 1 }
        }
        return Array(counts)
    }

    @Test func everyIndexOnceOverManyRegions() {
        if Threads.count < 2 { Threads.set(2) }
        for n in [1, 2, 3, 17, 1000] {
            for _ in 0..<200 { #expect(Self.visits(n) == Array(repeating: 1, count: n), "n = \(n)") }
        }
    }

    /// Two threads issuing regions at once both see every index exactly once.
    @Test func twoCallersAtOnce() async {
        if Threads.count < 2 { Threads.set(2) }
        let bad = Atomic<Int>(0)
        await withTaskGroup(of: Void.self) { group in
            for caller in 0..<2 {
                group.addTask {
                    for r in 0..<300 {
                        let n = 64 + (r + caller) % 50
                        if Self.visits(n) != Array(repeating: 1, count: n) { bad.add(1, ordering: .relaxed) }
                    }
                }
            }
        }
        #expect(bad.load(ordering: .relaxed) == 0)
    }

    /// A parallelFor inside a parallelFor body runs on that thread, and still covers its whole range.
    @Test func nestedRegionsRunInline() {
        if Threads.count < 2 { Threads.set(2) }
        let inner = UnsafeMutableBufferPointer<Int>.allocate(capacity: 4 * 100)
        defer { inner.deallocate() }
        inner.initialize(repeating: 0)
        parallelFor(4) { outer in
            for o in outer {
                #expect(ParallelRegion.inside)
                parallelFor(100) { r in for i in r { inner[o * 100 + i] += 1 } }
            }
        }
        #expect(Array(inner) == Array(repeating: 1, count: 400))
        #expect(!ParallelRegion.inside)
    }
}
