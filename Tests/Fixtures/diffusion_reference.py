"""Reference moments for ArrozDiffusionTests: the Arroz / DDPM / DDIM update rules in numpy, run on the exact
Gaussian denoiser (data N(mu, s^2)), from the exact marginal at the first grid time. Prints the numbers that the
Swift tests pin. Run: ~/torch-venv/bin/python Tests/Fixtures/diffusion_reference.py"""
import numpy as np
s=0.008
def ab(t):
    f0=np.cos(s/(1+s)*np.pi/2)**2
    return np.clip(np.cos((t+s)/(1+s)*np.pi/2)**2/f0,1e-4,0.9999)
def run(T,mu,sd,n=200000):
    g=np.linspace(1,0,T+2)[1:]
    a=np.sqrt(ab(g[0])); b=np.sqrt(1-ab(g[0]))
    rng=np.random.default_rng(0)
    x=a*mu+np.sqrt(a*a*sd*sd+b*b)*rng.standard_normal(n)
    for i in range(T):
        A=ab(g[i]);P=ab(g[i+1]);a=np.sqrt(A);b=np.sqrt(1-A)
        k=a*sd*sd/(a*a*sd*sd+b*b); x0=mu+k*(x-a*mu); e=(x-a*x0)/b
        x=np.sqrt(P)*x0+np.sqrt(1-P)*e
    return x.mean(),x.var()
for T in [20,50,100,200]: print(T,run(T,-0.4,0.6), 0.36)
def ddpm(T,mu,sd,n=200000):
    g=np.linspace(1,0,T+2)[1:]
    a=np.sqrt(ab(g[0])); b=np.sqrt(1-ab(g[0]))
    rng=np.random.default_rng(0)
    x=a*mu+np.sqrt(a*a*sd*sd+b*b)*rng.standard_normal(n)
    for i in range(T):
        A=ab(g[i]);P=ab(g[i+1]);a=np.sqrt(A);b=np.sqrt(1-A)
        k=a*sd*sd/(a*a*sd*sd+b*b); x0=mu+k*(x-a*mu); e=(x-a*x0)/b
        al=A/P
        m=(x-(1-al)*e/np.sqrt(1-A))/np.sqrt(al)
        sg=np.sqrt((1-al)*(1-P)/(1-A)) if i<T-1 else 0
        x=m+sg*rng.standard_normal(n)
    return x.mean(),x.var()
for T in [20,50,100,200]: print('ddpm',T,ddpm(T,0.7,0.5), 0.25)
# exact variance propagation for ddim 20 steps from the exact marginal
def ddim_var(T,sd):
    g=np.linspace(1,0,T+2)[1:]
    a=np.sqrt(ab(g[0])); b=np.sqrt(1-ab(g[0])); v=a*a*sd*sd+b*b
    for i in range(T):
        A=ab(g[i]);P=ab(g[i+1]);a=np.sqrt(A);b=np.sqrt(1-A)
        k=a*sd*sd/(a*a*sd*sd+b*b)
        # x0 = mu + k y ; e = (y(1-a k))/b  where y = x - a mu
        c=np.sqrt(P)*k+np.sqrt(1-P)*(1-a*k)/b
        v=v*c*c
    return v
print('ddim20 var', ddim_var(20,0.6), ddim_var(20,0.5))

# discrete tables
def table(kind,T):
    if kind=='lin': b=np.linspace(1e-4,0.02,T) if T==1000 else np.linspace(1e-4*1000/T,0.02*1000/T,T)
    return np.cumprod(1-b)
def grid(T,S):
    r=T/S; return [int(round(T-i*r))-1 for i in range(S)]+[-1]
def run(abar,g,mu,sd,eta=None,n=200000):
    AB=lambda i: 1.0 if i<0 else abar[i]
    rng=np.random.default_rng(0)
    A=AB(g[0]); a=np.sqrt(A); b=np.sqrt(1-A)
    x=a*mu+np.sqrt(a*a*sd*sd+b*b)*rng.standard_normal(n)
    for j in range(len(g)-1):
        A=AB(g[j]);P=AB(g[j+1]);a=np.sqrt(A);b=np.sqrt(1-A)
        k=a*sd*sd/(a*a*sd*sd+b*b); x0=mu+k*(x-a*mu); e=(x-a*x0)/b
        if eta is None:
            al=A/P; m=(x-(1-al)*e/np.sqrt(1-A))/np.sqrt(al)
            sg=np.sqrt((1-al)*(1-P)/(1-A)) if j<len(g)-2 else 0
            x=m+sg*rng.standard_normal(n)
        else:
            x=np.sqrt(P)*x0+np.sqrt(1-P)*e
    return x.mean(),x.var()
ablin=table('lin',1000)
for S in [50,100,250,1000]: print('ddpm',S,run(ablin,grid(1000,S),0.5,0.4),0.16)
for S in [25,50,100]: print('ddim',S,run(ablin,grid(1000,S),0.5,0.4,eta=0),0.16)
abc=np.cumprod(1-np.minimum(1-np.cos(((np.arange(1,101)/100)+0.008)/1.008*np.pi/2)**2/np.cos(((np.arange(0,100)/100)+0.008)/1.008*np.pi/2)**2,0.999))
print('cos100 ddpm', run(abc,grid(100,100),0.5,0.4), 'ddim', run(abc,grid(100,100),0.5,0.4,eta=0))
for S in [200,400]: print('ddpm lin1000',S,run(ablin,grid(1000,S),0.5,0.4))

# k-diffusion solvers on the sigma_k = b/a view, sigmas from the grid (last dropped) + [0]
def ksolve(kind,coef,grid,mu,sd,n=200000,seed=0):
    rng=np.random.default_rng(seed)
    a0,b0=coef(grid[0])
    x=(a0*mu+np.sqrt(a0*a0*sd*sd+b0*b0)*rng.standard_normal(n))/a0
    sig=[coef(t)[1]/coef(t)[0] for t in grid[:-1]]+[0.0]
    old=None
    for i in range(len(sig)-1):
        s,sn=sig[i],sig[i+1]
        D=mu+(x-mu)*sd*sd/(sd*sd+s*s)
        if kind=='euler': x=x+(x-D)/s*(sn-s)
        elif kind=='eulera':
            up=min(sn,np.sqrt(sn*sn*(s*s-sn*sn)/(s*s))); down=np.sqrt(sn*sn-up*up)
            x=x+(x-D)/s*(down-s)+(up*rng.standard_normal(n) if sn>0 else 0)
        elif kind=='dpm2m':
            h=np.log(s)-(np.log(sn) if sn>0 else np.inf)
            if old is None or sn==0: x=sn/s*x+(1-sn/s)*D
            else:
                r=(np.log(sig[i-1])-np.log(s))/h; Dd=(1+1/(2*r))*D-1/(2*r)*old
                x=sn/s*x+(1-sn/s)*Dd
            old=D
    return x.mean(),x.var()
cosc=lambda t:(np.sqrt(ab(t)),np.sqrt(1-ab(t)))
for kind in ['euler','eulera','dpm2m']:
    for T in [20,50,100]:
        print(kind,T,ksolve(kind,cosc,np.linspace(1,0,T+2)[1:],0.7,0.5),0.25)
def kgrid(N):
    g=1-np.power(np.arange(0.0001,0.99,1/N),1/3); g[-1]=0.01; return g
kc=lambda s:(1-s,s)
for kind in ['euler','dpm2m']:
    for N in [35,100]: print('keras-process',kind,N,ksolve(kind,kc,kgrid(N),0.2,0.2),0.04)
# keras sampler (x0 thresholding off: data within [-1,1]) = DDIM on the sigma grid; returns last x0
def keras(N,mu,sd,n=200000):
    rng=np.random.default_rng(0); g=kgrid(N)
    x=(1-g[0])*mu+np.sqrt((1-g[0])**2*sd*sd+g[0]**2)*rng.standard_normal(n)
    for i in range(len(g)-1):
        s,sn=g[i],g[i+1]; a=1-s
        x0=mu+a*sd*sd/(a*a*sd*sd+s*s)*(x-a*mu)
        th=max(np.percentile(np.abs(x0),99.5),1); x0=np.clip(x0,-th,th)/th
        x=((s-sn)*x0+sn*x)/s
    return x0.mean(),x0.var()
for N in [35,100]: print('keras',N,keras(N,0.2,0.2),0.04)
print('keras thresholded', keras(35,0.8,0.3,n=8000), keras(35,0.8,0.3))
print('eulera 200', ksolve('eulera',cosc,np.linspace(1,0,202)[1:],0.7,0.5))
print('euler 20', ksolve('euler',cosc,np.linspace(1,0,22)[1:],0.7,0.5))

# ---- deterministic trajectories (pinned exactly in TrajectoryTests.swift) ----
# a nonlinear stand-in network: eps(x, t) = 0.5*x*(1-t) + 0.2*sin(3x) ; keras x0(x, s) = 1.3*x*(1-s) + 0.1
x_start = np.array([-1.5, -0.4, 0.0, 0.3, 1.1, 2.0])
def eps_net(x, t): return 0.5 * x * (1 - t) + 0.2 * np.sin(3 * x)
def traj_ddim(T):
    g = np.linspace(1, 0, T + 2)[1:]; x = x_start.copy()
    for i in range(T):
        A = ab(g[i]); P = ab(g[i + 1]); e = eps_net(x, g[i])
        x0 = (x - np.sqrt(1 - A) * e) / np.sqrt(A)
        x = np.sqrt(P) * x0 + np.sqrt(1 - P) * e
    return x
def traj_k(kind, T):
    g = np.linspace(1, 0, T + 2)[1:]
    sig = [np.sqrt((1 - ab(t)) / ab(t)) for t in g[:-1]] + [0.0]
    x = x_start / np.sqrt(ab(g[0])); old = None
    for i in range(T):
        a = np.sqrt(ab(g[i])); xin = a * x; e = eps_net(xin, g[i])
        D = (xin - np.sqrt(1 - ab(g[i])) * e) / a
        s, sn = sig[i], sig[i + 1]
        if kind == 'euler' or old is None or sn == 0: x = sn / s * x + (1 - sn / s) * D
        else:
            r = (np.log(sig[i - 1]) - np.log(s)) / (np.log(s) - np.log(sn))
            x = sn / s * x + (1 - sn / s) * ((1 + 1 / (2 * r)) * D - 1 / (2 * r) * old)
        old = D
    return x
def traj_keras(N):
    g = kgrid(N); x = x_start.copy()
    for i in range(len(g) - 1):
        s, sn = g[i], g[i + 1]
        x0 = 1.3 * x * (1 - s) + 0.1
        th = max(np.percentile(np.abs(x0), 99.5), 1); x0 = np.clip(x0, -th, th) / th
        x = ((s - sn) * x0 + sn * x) / s
    return x0
np.set_printoptions(precision=10)
print('traj ddim 8', traj_ddim(8).tolist())
print('traj euler 8', traj_k('euler', 8).tolist())
print('traj dpm2m 8', traj_k('dpm2m', 8).tolist())
print('traj keras 10', traj_keras(10).tolist())
def heun(T, mu, sd, n=200000, coef=cosc, grid=None):
    g = np.linspace(1, 0, T + 2)[1:] if grid is None else grid
    rng = np.random.default_rng(0); a0, b0 = coef(g[0])
    x = (a0 * mu + np.sqrt(a0 * a0 * sd * sd + b0 * b0) * rng.standard_normal(n)) / a0
    sig = [coef(t)[1] / coef(t)[0] for t in g[:-1]] + [0.0]
    D = lambda x, s: mu + (x - mu) * sd * sd / (sd * sd + s * s)
    for i in range(T):
        s, sn = sig[i], sig[i + 1]; d = (x - D(x, s)) / s; x2 = x + d * (sn - s)
        if sn == 0: x = x2
        else: x = x + (d + (x2 - D(x2, sn)) / sn) / 2 * (sn - s)
    return x.mean(), x.var()
print('heun 10', heun(10, 0.7, 0.5), 'heun 20', heun(20, 0.7, 0.5))
def traj_heun(T):
    g = np.linspace(1, 0, T + 2)[1:]
    sig = [np.sqrt((1 - ab(t)) / ab(t)) for t in g[:-1]] + [0.0]
    def D(xk, i):
        a = np.sqrt(ab(g[i])); xin = a * xk; return (xin - np.sqrt(1 - ab(g[i])) * eps_net(xin, g[i])) / a
    x = x_start / np.sqrt(ab(g[0]))
    for i in range(T):
        s, sn = sig[i], sig[i + 1]; d = (x - D(x, i)) / s; x2 = x + d * (sn - s)
        x = x2 if sn == 0 else x + (d + (x2 - D(x2, i + 1)) / sn) / 2 * (sn - s)
    return x
print('traj heun 8', traj_heun(8).tolist())
