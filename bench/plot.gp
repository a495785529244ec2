# plot.gp: latency of one 4 KiB IOAS_MAP and one IOAS_UNMAP against the
# number of areas already in the IOAS, with and without a mock domain.
# Input: bench/out/scaling.dat written by uiommufd-bench --out-dir
# (columns: areas map_nodom unmap_nodom map_dom unmap_dom, ns, '?' when a
# series is unavailable).  Usage: gnuplot -e "dat='...'; out='...'" plot.gp
if (!exists("dat")) dat = 'bench/out/scaling.dat'
if (!exists("out")) out = 'bench/out/scaling.svg'
set terminal svg size 800,500 dynamic font 'sans,11'
set output out
set datafile missing '?'
set title 'uiommufd: 4 KiB map / unmap latency against IOAS size (median)'
set xlabel 'areas already in the IOAS'
set ylabel 'ns per operation'
set logscale x 10
set xrange [500:2000000]
set xtics ('1k' 1000, '10k' 10000, '100k' 100000, '1M' 1000000)
set yrange [0:*]
set grid
set key top left
plot dat using 1:2 with linespoints lw 2 pt 7 title 'map, no domain', \
     dat using 1:3 with linespoints lw 2 pt 5 title 'unmap, no domain', \
     dat using 1:4 with linespoints lw 2 pt 9 title 'map, 1 mock domain', \
     dat using 1:5 with linespoints lw 2 pt 11 title 'unmap, 1 mock domain'
