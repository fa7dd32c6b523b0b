import re, numpy as np, itertools
from fig5d_paths import *
H=228.86589; Y0=66.483082; S=82.5
def parse(d):
    toks=re.findall(r'[MmLlHhVvZz]|-?[\d.]+(?:e-?\d+)?',d)
    pts=[];cmd=None;i=0;cur=np.array([0.,0.])
    while i<len(toks):
        t=toks[i]
        if t.isalpha(): cmd=t;i+=1
        if cmd in 'Zz': break
        if cmd in 'Mm':
            p=np.array([float(toks[i]),float(toks[i+1])]);i+=2
            cur=p if cmd=='M' else cur+p; pts.append(cur.copy()); cmd='l' if cmd=='m' else 'L'
        elif cmd in 'Ll':
            p=np.array([float(toks[i]),float(toks[i+1])]);i+=2
            cur=p if cmd=='L' else cur+p; pts.append(cur.copy())
        elif cmd in 'Hh':
            v=float(toks[i]);i+=1
            cur=np.array([v,cur[1]]) if cmd=='H' else cur+[v,0]; pts.append(cur.copy())
        elif cmd in 'Vv':
            v=float(toks[i]);i+=1
            cur=np.array([cur[0],v]) if cmd=='V' else cur+[0,v]; pts.append(cur.copy())
    return np.array(pts)
def widths(d):
    P=parse(d); P[:,1]=H-P[:,1]  # to pdf y-up
    ymin,ymax=P[:,1].min(),P[:,1].max()
    ys=np.linspace(ymin,ymax,20)
    cx=P[:,0].mean()
    # split into left/right by x relative to center -> use intersection of polygon with horizontal lines
    w=[]
    for y in ys:
        xs=[]
        n=len(P)
        for k in range(n):
            a,b=P[k],P[(k+1)%n]
            if (a[1]-y)*(b[1]-y)<=0 and a[1]!=b[1]:
                xs.append(a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
            elif a[1]==b[1]==y: xs+= [a[0],b[0]]
        w.append(max(xs)-min(xs) if xs else np.nan)
    return (ys-Y0)/S, np.array(w), ymin, ymax
def kde(v, coords):
    v=np.asarray(v); n=len(v)
    cov=np.cov(v,ddof=1)*n**(-2/5)
    return np.exp(-(coords[:,None]-v[None,:])**2/(2*cov)).sum(1)
W=0.35*33.71484
tasks=["Cycling","3-bit flipflop","Mante","Romo","Complex sine"]

if __name__ == "__main__":  # coarse grid search (refine.py refines it)
    for name,Ps,mn,mx,me in [("Aligned",A,A_min,A_max,A_mean),("Oblique",O,O_min,O_max,O_mean)]:
        for t in range(5):
            c,w,ylo,yhi=widths(Ps[t])
            vmin=(mn[t]-Y0)/S; vmax=(mx[t]-Y0)/S; vmean=(me[t]-Y0)/S
            wn=w/W
            rest=5*vmean-vmin-vmax
            best=[]
            g=np.linspace(vmin,vmax,401)
            for a in g:
                for b in g[g>=a]:
                    cc=rest-a-b
                    if cc<b-1e-12 or cc>vmax+1e-12: continue
                    v=[vmin,a,b,cc,vmax]
                    k=kde(v,c); k=k/k.max()
                    err=np.sqrt(np.mean((k-wn)**2))
                    best.append((err,a,b,cc))
            best.sort()
            e,a,b,cc=best[0]
            print(f"{name:8s} {tasks[t]:15s} ylim_chk {ylo:.3f}/{mn[t]:.3f} {yhi:.3f}/{mx[t]:.3f} min={vmin:.4f} max={vmax:.4f} mean={vmean:.4f} | fit vals {vmin:.3f} {a:.3f} {b:.3f} {cc:.3f} {vmax:.3f} rmse={e:.4f} maxw={w.max()/W:.3f}")
            # second distinct solutions
            alt=[x for x in best[:2000] if abs(x[1]-a)>0.02 or abs(x[2]-b)>0.02]
            if alt: print("          next-distinct:", " ".join(f"{x:.3f}" for x in alt[0][1:]), f"rmse={alt[0][0]:.4f}")
