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
ab=table('lin',1000)
for S in [50,100,250,1000]: print('ddpm',S,run(ab,grid(1000,S),0.5,0.4),0.16)
for S in [25,50,100]: print('ddim',S,run(ab,grid(1000,S),0.5,0.4,eta=0),0.16)
abc=np.cumprod(1-np.minimum(1-np.cos(((np.arange(1,101)/100)+0.008)/1.008*np.pi/2)**2/np.cos(((np.arange(0,100)/100)+0.008)/1.008*np.pi/2)**2,0.999))
print('cos100 ddpm', run(abc,grid(100,100),0.5,0.4), 'ddim', run(abc,grid(100,100),0.5,0.4,eta=0))
for S in [200,400]: print('ddpm lin1000',S,run(ab,grid(1000,S),0.5,0.4))
