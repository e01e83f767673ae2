# Instructions per frame against frame size, one line a pipeline and stack, from the
# blocks dmabridge-bench --render writes (tools/bench/run passes data and out).
set terminal pngcairo size 960,600 font ",10"
set output out
set title "Instructions per frame, vivid-000 to vkms (callgrind, user space)"
set xlabel "frame size, megapixels"
set ylabel "instructions per frame"
set logscale y
set format y "%.0s%c"
set key outside right top
set grid
stats data nooutput
plot for [i=0:STATS_blocks-1] data index i using 1:2 with linespoints title columnheader(1)
