#!/bin/sh
# RK3399: the ISP's main path into the VOP. Both sit behind their own IOMMUs, so the plan
# takes the scattered system heap (no CMA needed at all): 0 copies.
# plan: --producer rkisp1 --consumer rockchip-vop --format NV12 --size 1920x1080
exec gst-launch-1.0 -m dmabridgev4l2src device-name=rkisp1 "${@:-num-buffers=300}" \
	! 'video/x-raw(memory:DMABuf),format=DMA_DRM,drm-format=NV12,width=1920,height=1080;video/x-raw(memory:DMABuf),format=NV12,width=1920,height=1080' \
	! dmabridgekmssink driver-name=rockchip
