#!/bin/sh
# Raspberry Pi 4: an H.264 file decoded by the VideoCore (bcm2835-codec-decode, a stateful
# V4L2 decoder) straight to the vc4 display. The decoder's capture buffers are planned
# for the display: contiguous memory from linux,cma in the low 1 GiB, lines aligned to
# 32 bytes as the codec writes them; the decoder's visible area (1920x1080 of a
# 1920x1088 coded frame) goes in the video meta, not copied out. 0 copies of pictures.
# plan: --producer bcm2835-codec-decode --consumer vc4 --format YUV420 --size 1920x1088
file=${1:?usage: decode-to-display.sh FILE.h264}
exec gst-launch-1.0 -m filesrc location="$file" ! h264parse \
	! 'video/x-h264,stream-format=byte-stream,alignment=au' \
	! dmabridgev4l2dec device-name=bcm2835-codec-decode ! dmabridgekmssink driver-name=vc4
