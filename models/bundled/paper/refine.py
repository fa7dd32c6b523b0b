import numpy as np
from fit import widths, kde, W, tasks, Y0, S
from fig5d_paths import *
from scipy.optimize import minimize
import itertools
for name,Ps,mn,mx,me,ex in [("Aligned",A,A_min,A_max,A_mean,(228.86589-92.886719-Y0)/S),("Oblique",O,O_min,O_max,O_mean,(228.86589-121.98438-Y0)/S)]:
    for t in range(5):
        c,w,_,_=widths(Ps[t]); wn=w/W
        vmin=(mn[t]-Y0)/S; vmax=(mx[t]-Y0)/S; vmean=(me[t]-Y0)/S
        rest=5*vmean-vmin-vmax
        def f(p):
            a,b=p; cc=rest-a-b
            v=[vmin,a,b,cc,vmax]
            pen=sum(max(0,vmin-x)+max(0,x-vmax) for x in (a,b,cc))*100
            k=kde(v,c); return np.sqrt(np.mean((k/k.max()-wn)**2))+pen
        sols=[]
        for a0,b0 in itertools.product(np.linspace(vmin,vmax,9),repeat=2):
            r=minimize(f,[a0,b0],method='Nelder-Mead',options=dict(xatol=1e-7,fatol=1e-9,maxiter=4000))
            v=sorted([vmin,r.x[0],r.x[1],rest-r.x[0]-r.x[1],vmax])
            sols.append((r.fun,tuple(np.round(v,4))))
        sols.sort()
        uniq=[]
        for s in sols:
            if all(max(abs(np.array(s[1])-np.array(u[1])))>0.005 for u in uniq): uniq.append(s)
        print(f"{name:8s} {tasks[t]:15s} mean={vmean:.4f} best={uniq[0][1]} rmse={uniq[0][0]:.5f}", 
              " | 2nd:",uniq[1] if len(uniq)>1 else None)
    print("example triangle value",name, round(ex,4))
