// FastMathTests: vexp / fastErf / fastSigmoid against libm (the references) over the whole useful range.
import ArrozTensor
import Foundation
import Testing

@Suite struct FastMathTests {
    @Test func vexpIsWithinTwoUlpOfLibm() {
        var worst: Float = 0
        var at: Float = 0
        var x: Float = -103
        while x < 88.7 {
            let ref = Foundation.exp(x)
            // relative error in units of the reference's ulp (denormals use the fixed denormal spacing)
            let ulp = Swift.max(ref.ulp, Float.leastNonzeroMagnitude)
            let err = Swift.abs(vexp(x) - ref) / ulp
            if err > worst { (worst, at) = (err, x) }
            x += 0.0137
        }
        #expect(worst <= 3, "vexp is \(worst) ulp off at x = \(at)")
    }

    @Test func vexpEdgeCases() {
        #expect(vexp(0) == 1)
        #expect(vexp(89) == .infinity)
        #expect(vexp(.infinity) == .infinity)
        #expect(vexp(-.infinity) == 0)
        #expect(vexp(-200) == 0)
        #expect(vexp(.nan).isNaN)
        #expect(vexp(-100) > 0 && vexp(-100) < 1e-43)  // a denormal, like libm's 3.7e−44
        #expect(fastSigmoid(-200) == 0 && fastSigmoid(200) == 1 && fastSigmoid(0) == 0.5)
    }

    @Test func fastErfIsWithinItsBound() {
        var worst: Float = 0
        var x: Float = -6
        while x < 6 {
            worst = Swift.max(worst, Swift.abs(fastErf(x) - erf(x)))
            x += 0.001
        }
        #expect(worst <= 5e-7, "fastErf error \(worst)")
        #expect(fastErf(0) == 0 && fastErf(.infinity) == 1 && fastErf(-.infinity) == -1)
        #expect(fastErf(.nan).isNaN)
    }
}
